using Npgsql;

namespace Rally.Tests.Infrastructure;

/// <summary>
/// The tests' throwaway PostgreSQL server, one per test run (see <see cref="PostgresCluster"/>). Durability is
/// off (<c>fsync=off</c>): nothing here needs to survive a crash.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private static readonly KeyValuePair<string, string>[] Settings =
    [
        new("fsync", "off"),
        new("synchronous_commit", "off"),
        new("full_page_writes", "off"),
        // Room for several test clusters at once: each silo holds pools for storage, reminders, streams and the event store.
        new("max_connections", "1000"),
    ];

    private PostgresCluster? _cluster;
    private int _databases;

    private PostgresCluster Cluster => _cluster ?? throw new InvalidOperationException("The test PostgreSQL server has not started.");

    public async Task InitializeAsync() =>
        _cluster = await PostgresCluster.StartAsync("rally-pg-", Settings, durable: false);

    /// <summary>The server's own <c>postgres</c> database, for what is done to other databases (ALTER DATABASE, pg_terminate_backend).</summary>
    public string AdminConnectionString => Cluster.ConnectionString("postgres").ConnectionString;

    /// <summary>A new, empty database, so that no two tests share data.</summary>
    /// <returns>Its connection string.</returns>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = $"rally_test_{Interlocked.Increment(ref _databases)}";
        await using var connection = new NpgsqlConnection(Cluster.ConnectionString("postgres").ConnectionString);
        await connection.OpenAsync();
        // The name is ours (a counter), not input: nothing to inject.
        await using var command = new NpgsqlCommand("CREATE DATABASE " + name, connection);
        await command.ExecuteNonQueryAsync();
        return Cluster.ConnectionString(name).ConnectionString;
    }

    /// <summary>
    /// Closes every connection still open to a test's database. A silo killed in-process keeps its pools open
    /// (nothing disposes them), and a run of many tests would otherwise exhaust the server's connections.
    /// </summary>
    public async Task CloseConnectionsAsync(string database)
    {
        var name = new NpgsqlConnectionStringBuilder(database).Database;
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = @name AND pid <> pg_backend_pid()", connection);
        command.Parameters.AddWithValue("name", name!);
        await command.ExecuteScalarAsync();
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}
