using System.Data.Common;
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

    /// <summary>
    /// Statements Npgsql prepares on each connection when the connection string does not say (<c>Max Auto Prepare</c>;
    /// Npgsql's own default, 0, prepares none). Every upload runs the same few statements (the queue's insert, and the
    /// silos' claims and confirmations of it): prepared, PostgreSQL parses and plans them once a connection instead of every time (its CPU
    /// an event in the ingest benchmark: docs/benchmarks.md). Set it to 0 behind a pooler that cannot keep prepared
    /// statements (PgBouncer in transaction mode without <c>max_prepared_statements</c>).
    /// </summary>
    public const int DefaultMaxAutoPrepare = 64;

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
            return new RallyStorage(WithDefaults(value));
        }
        catch (ArgumentException e)
        {
            // The message of the builder could quote the string, password included: it is not passed on.
            throw new RallyConfigurationException(ConfigurationErrors.Line(ConnectionStringKey, missing: false,
                "expected an Npgsql connection string such as Host=127.0.0.1;Port=5432;Database=rally;Username=rally;Password=…"), e);
        }
    }

    /// <summary>The operator's connection string with Rally's defaults for the Npgsql options it does not set.</summary>
    internal static string WithDefaults(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        // Npgsql's builder gives every option a value (0 when unset): whether the operator set one is read from the string.
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        if (!given.Keys.Cast<string>().Any(key => Named(key, "MaxAutoPrepare")))
        {
            builder.MaxAutoPrepare = DefaultMaxAutoPrepare;
        }
        return builder.ConnectionString;
    }

    private static bool Named(string key, string option) =>
        string.Equals(key.Replace(" ", "", StringComparison.Ordinal), option, StringComparison.OrdinalIgnoreCase);
}
