using Npgsql;
using Rally.Tests.Infrastructure;

namespace Rally.Benchmarks.Infrastructure;

/// <summary>
/// A throwaway PostgreSQL server (the tests' <see cref="PostgresCluster"/>) that is durable as in production —
/// fsync, synchronous_commit and full_page_writes on — where the tests' server turns durability off for speed.
/// </summary>
internal sealed class DurablePostgres : IAsyncDisposable
{
    /// <summary>
    /// Settings a production server would have for sustained ingest; fsync and synchronous_commit are the
    /// defaults, stated so that nobody wonders. The default max_wal_size (1 GB) checkpoints every few seconds
    /// under this load; pg_stat_statements lets the benchmark say which statements cost what.
    /// </summary>
    public static readonly IReadOnlyList<KeyValuePair<string, string>> Settings =
    [
        new("fsync", "on"),
        new("synchronous_commit", "on"),
        new("full_page_writes", "on"),
        new("wal_level", "replica"),
        new("shared_buffers", "1GB"),
        new("max_wal_size", "8GB"),
        new("checkpoint_timeout", "15min"),
        new("max_connections", "300"),
        new("shared_preload_libraries", "pg_stat_statements"),
        new("pg_stat_statements.track", "all"),
        new("track_io_timing", "on"),
    ];

    private readonly PostgresCluster _cluster;

    private DurablePostgres(PostgresCluster cluster) => _cluster = cluster;

    public int Port => _cluster.Port;

    /// <summary>The postmaster's process id (every backend is its child).</summary>
    public int PostmasterPid => _cluster.PostmasterPid;

    public string AdminConnectionString => ConnectionString("postgres");

    public static async Task<DurablePostgres> StartAsync() =>
        new(await PostgresCluster.StartAsync("rally-bench-pg-", Settings, durable: true, stopMode: "immediate"));

    /// <summary>A new database with pg_stat_statements installed.</summary>
    /// <returns>Its connection string.</returns>
    public async Task<string> CreateDatabaseAsync(string name)
    {
        await using (var admin = new NpgsqlConnection(AdminConnectionString))
        {
            await admin.OpenAsync();
            // The name is the caller's constant, not input.
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", admin);
            await create.ExecuteNonQueryAsync();
        }
        var database = ConnectionString(name);
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var extension = new NpgsqlCommand("CREATE EXTENSION IF NOT EXISTS pg_stat_statements", connection);
        await extension.ExecuteNonQueryAsync();
        return database;
    }

    /// <summary>The server's version, e.g. <c>15.14 (Debian 15.14-0+deb13u1)</c>.</summary>
    public async Task<string> VersionAsync()
    {
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SHOW server_version", connection);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    public ValueTask DisposeAsync() => _cluster.DisposeAsync();

    private string ConnectionString(string database)
    {
        var builder = _cluster.ConnectionString(database);
        builder.MaxPoolSize = 200;
        builder.CommandTimeout = 300;
        return builder.ConnectionString;
    }
}
