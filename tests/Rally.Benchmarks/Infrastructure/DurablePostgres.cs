using System.Globalization;
using Npgsql;
using Rally.Tests.Infrastructure;
using Rally.Tests.Postgres;

namespace Rally.Benchmarks.Infrastructure;

/// <summary>
/// A throwaway PostgreSQL server that is durable as in production — fsync, synchronous_commit and
/// full_page_writes on — unlike the tests' <c>PostgresServer</c>, which turns durability off for speed and
/// cannot be told otherwise. It listens on a free loopback port and is stopped and deleted on dispose.
/// </summary>
internal sealed class DurablePostgres : IAsyncDisposable
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(120);

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

    private readonly string _folder;

    private DurablePostgres(string folder, int port)
    {
        _folder = folder;
        Port = port;
    }

    public int Port { get; }

    public string DataFolder => Path.Combine(_folder, "data");

    /// <summary>The postmaster's process id (every backend is its child).</summary>
    public int PostmasterPid =>
        int.Parse(File.ReadLines(Path.Combine(DataFolder, "postmaster.pid")).First(), CultureInfo.InvariantCulture);

    public string AdminConnectionString => ConnectionString("postgres");

    public static async Task<DurablePostgres> StartAsync()
    {
        var folder = Directory.CreateTempSubdirectory("rally-bench-pg-").FullName;
        var server = new DurablePostgres(folder, FreePort.Next());
        try
        {
            if (Environment.IsPrivilegedProcess)
            {
                await ProcessRunner.RunAsync("chown", ["postgres:postgres", folder], CommandTimeout);
            }
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
            await RunAsPostgresAsync(PostgresBinaries.Find("initdb"),
                ["-D", server.DataFolder, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"]);
            var options = $"-p {server.Port} -c listen_addresses=127.0.0.1 -k {folder} "
                + string.Join(' ', Settings.Select(s => $"-c {s.Key}={s.Value}"));
            await RunAsPostgresAsync(PostgresBinaries.Find("pg_ctl"),
                ["-D", server.DataFolder, "-l", Path.Combine(folder, "server.log"), "-o", options, "-w", "-t", "60", "start"]);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

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

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (File.Exists(Path.Combine(DataFolder, "postmaster.pid")))
        {
            await RunAsPostgresAsync(PostgresBinaries.Find("pg_ctl"), ["-D", DataFolder, "-m", "immediate", "-w", "stop"]);
        }
        Directory.Delete(_folder, recursive: true);
    }

    private string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = "postgres",
        Database = database,
        MaxPoolSize = 200,
        CommandTimeout = 300,
    }.ConnectionString;

    private static Task RunAsPostgresAsync(string program, IEnumerable<string> arguments) =>
        Environment.IsPrivilegedProcess
            ? ProcessRunner.RunAsync("runuser", ["-u", "postgres", "--", program, .. arguments], CommandTimeout)
            : ProcessRunner.RunAsync(program, arguments, CommandTimeout);
}
