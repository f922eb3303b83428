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

    /// <summary>
    /// Brings a new server to the state of one that has been running: every page of <c>shared_buffers</c> touched
    /// and enough WAL segments made to be recycled. A new cluster has neither, so the first phase measured pays for
    /// faulting in the shared memory and for making (and zero-filling) each 16 MB WAL segment, and the phases after it
    /// do not: in the ingest benchmark that was Rally's end-to-end phase, and `perf` put ≈ a fifth of PostgreSQL's CPU
    /// in it there (segment creation under <c>XLogFileInit</c>, shared-memory faults) and none in the raw COPY after it.
    /// Writes a scratch table of <paramref name="megabytes"/> (its WAL as much again), reads it into the buffers with
    /// <c>pg_prewarm</c>, drops it and checkpoints, which recycles the segments for the phases that follow.
    /// </summary>
    public async Task WarmUpServerAsync(int megabytes)
    {
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        // Rows of 1 KB, under the TOAST threshold so that nothing is compressed: a megabyte is a thousand rows.
        string[] steps =
        [
            "CREATE EXTENSION IF NOT EXISTS pg_prewarm",
            "CREATE TABLE bench_server_warm_up (filler bytea NOT NULL)",
            $"INSERT INTO bench_server_warm_up SELECT decode(repeat(md5(i::text), 64), 'hex') FROM generate_series(1, {megabytes * 1000}) AS i",
            "SELECT pg_prewarm('bench_server_warm_up', 'buffer')",
            "DROP TABLE bench_server_warm_up",
            "CHECKPOINT",
        ];
        foreach (var step in steps)
        {
            await using var command = new NpgsqlCommand(step, connection) { CommandTimeout = 600 };
            await command.ExecuteNonQueryAsync();
        }
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
