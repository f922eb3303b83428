using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Rally.Silo.Configuration;

namespace Rally.Silo.Hosting;

/// <summary>
/// Where this process keeps Rally's data: PostgreSQL when <c>ConnectionStrings:Rally</c> is set, this process's memory
/// otherwise (the embedded default). Decided once, by the first part of the host that asks (<see cref="Of"/>), and
/// registered as a service; every other part, at build or at run time, gets that same decision.
/// </summary>
public sealed class RallyStorage
{
    public const string ConnectionStringName = "Rally";

    /// <summary>The configuration key of the connection string.</summary>
    public const string ConnectionStringKey = "ConnectionStrings:" + ConnectionStringName;

    /// <summary>The ADO.NET invariant of Npgsql, as Orleans' providers name it.</summary>
    public const string Invariant = "Npgsql";

    private RallyStorage(string? connectionString) => ConnectionString = connectionString;

    /// <summary>The Npgsql connection string; null in memory.</summary>
    public string? ConnectionString { get; }

    [MemberNotNullWhen(true, nameof(ConnectionString))]
    public bool IsPostgres => ConnectionString is not null;

    /// <summary>The decision registered in <paramref name="services"/>; made from <paramref name="configuration"/> and registered when there is none yet.</summary>
    public static RallyStorage Of(IServiceCollection services, IConfiguration configuration) =>
        services.DecideOnce(() => From(configuration));

    private static RallyStorage From(IConfiguration configuration)
    {
        var value = configuration.GetConnectionString(ConnectionStringName);
        if (string.IsNullOrWhiteSpace(value))
        {
            return new RallyStorage(null);
        }
        try
        {
            _ = new NpgsqlConnectionStringBuilder(value);
        }
        catch (ArgumentException e)
        {
            // The message of the builder could quote the string, password included: it is not passed on.
            throw new RallyConfigurationException(ConfigurationErrors.Line(ConnectionStringKey, missing: false,
                "expected an Npgsql connection string such as Host=127.0.0.1;Port=5432;Database=rally;Username=rally;Password=…"), e);
        }
        return new RallyStorage(value);
    }
}
