using Microsoft.Extensions.Configuration;

namespace Rally.Silo.Hosting;

/// <summary>Where Rally keeps its data: PostgreSQL when <c>ConnectionStrings:Rally</c> is set, otherwise memory (the embedded default).</summary>
public static class RallyDatabase
{
    public const string ConnectionStringName = "Rally";

    /// <summary>The ADO.NET invariant of Npgsql, as Orleans' providers name it.</summary>
    public const string Invariant = "Npgsql";

    public static string? GetConnectionString(IConfiguration configuration)
    {
        var value = configuration.GetConnectionString(ConnectionStringName);
        return string.IsNullOrWhiteSpace(value) ? null : value;
    }
}
