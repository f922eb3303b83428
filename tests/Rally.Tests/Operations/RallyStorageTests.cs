using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Rally.Silo.Hosting;

namespace Rally.Tests.Operations;

/// <summary>The connection string every part of a process uses: the operator's, with Rally's defaults only where it is silent.</summary>
public sealed class RallyStorageTests
{
    private const string Given = "Host=db.example;Port=5432;Database=rally;Username=rally;Password=kept-as-given";

    private static NpgsqlConnectionStringBuilder Decided(string connectionString)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([new(RallyStorage.ConnectionStringKey, connectionString)]).Build();
        var storage = RallyStorage.Of(new ServiceCollection(), configuration);
        Assert.True(storage.IsPostgres);
        return new NpgsqlConnectionStringBuilder(storage.ConnectionString);
    }

    [Fact]
    public void Statements_are_prepared_when_the_connection_string_does_not_say()
    {
        var decided = Decided(Given);

        Assert.Equal(RallyStorage.DefaultMaxAutoPrepare, decided.MaxAutoPrepare);
        // Everything the operator wrote is kept.
        Assert.Equal(("db.example", 5432, "rally", "rally", "kept-as-given"), (decided.Host, decided.Port, decided.Database, decided.Username, decided.Password));
    }

    [Theory]
    [InlineData("Max Auto Prepare=0", 0)]       // off, e.g. behind a pooler that cannot keep prepared statements
    [InlineData("MaxAutoPrepare=8", 8)]         // Npgsql's other spelling
    [InlineData("max auto prepare=200", 200)]   // keys are case-insensitive
    public void The_operators_choice_stands(string option, int expected) =>
        Assert.Equal(expected, Decided($"{Given};{option}").MaxAutoPrepare);

    [Fact]
    public void The_embedded_default_has_no_connection_string()
    {
        var storage = RallyStorage.Of(new ServiceCollection(), new ConfigurationBuilder().Build());
        Assert.False(storage.IsPostgres);
        Assert.Null(storage.ConnectionString);
    }
}
