using Npgsql;
using Rally.Tests.Infrastructure;

namespace Rally.Tests.Postgres;

/// <summary>
/// A throwaway PostgreSQL server for one test run: initialized in a temporary folder, listening on a free
/// loopback port, stopped and deleted at the end. As root it runs as the <c>postgres</c> user, as
/// PostgreSQL requires. Durability is off (<c>fsync=off</c>): nothing here needs to survive a crash.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);
    private string _folder = "";
    private int _databases;

    public int Port { get; private set; }

    private string DataFolder => Path.Combine(_folder, "data");

    private string LogFile => Path.Combine(_folder, "server.log");

    private string AdminConnectionString => ConnectionString("postgres");

    public async Task InitializeAsync()
    {
        var initdb = PostgresBinaries.Find("initdb");
        var pgCtl = PostgresBinaries.Find("pg_ctl");
        _folder = Directory.CreateTempSubdirectory("rally-pg-").FullName;
        try
        {
            if (Environment.IsPrivilegedProcess)
            {
                await ProcessRunner.RunAsync("chown", ["postgres:postgres", _folder], CommandTimeout);
            }
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(_folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }

            await RunAsPostgresAsync(initdb,
                ["-D", DataFolder, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"]);
            Port = FreePort.Next();
            var settings = $"-p {Port} -c listen_addresses=127.0.0.1 -k {_folder} -c fsync=off -c synchronous_commit=off " +
                "-c full_page_writes=off -c max_connections=300";
            await RunAsPostgresAsync(pgCtl,
                ["-D", DataFolder, "-l", LogFile, "-o", settings, "-w", "-t", "60", "start"]);
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException)
        {
            var log = File.Exists(LogFile) ? await File.ReadAllTextAsync(LogFile) : "(no server log)";
            Directory.Delete(_folder, recursive: true);
            _folder = "";
            throw new InvalidOperationException($"The test PostgreSQL server did not start: {e.Message}\nServer log:\n{log}", e);
        }
    }

    /// <summary>A new, empty database, so that no two tests share data.</summary>
    /// <returns>Its connection string.</returns>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = $"rally_test_{Interlocked.Increment(ref _databases)}";
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        // The name is ours (a counter), not input: nothing to inject.
        await using var command = new NpgsqlCommand("CREATE DATABASE " + name, connection);
        await command.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    public async Task DisposeAsync()
    {
        if (_folder.Length == 0)
        {
            return;
        }
        NpgsqlConnection.ClearAllPools();
        if (File.Exists(Path.Combine(DataFolder, "postmaster.pid")))
        {
            await RunAsPostgresAsync(PostgresBinaries.Find("pg_ctl"), ["-D", DataFolder, "-m", "fast", "-w", "stop"]);
        }
        Directory.Delete(_folder, recursive: true);
    }

    private string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = "postgres",
        Database = database,
    }.ConnectionString;

    private static Task RunAsPostgresAsync(string program, IEnumerable<string> arguments) =>
        Environment.IsPrivilegedProcess
            ? ProcessRunner.RunAsync("runuser", ["-u", "postgres", "--", program, .. arguments], CommandTimeout)
            : ProcessRunner.RunAsync(program, arguments, CommandTimeout);
}
