using System.Globalization;
using Npgsql;

namespace Rally.Tests.Infrastructure;

/// <summary>
/// A throwaway PostgreSQL cluster from the installed binaries: initialized in a temporary folder, listening on a
/// free loopback port with the given settings, stopped and deleted on dispose. As root it runs as the
/// <c>postgres</c> user, as PostgreSQL requires. The tests' fixture and the benchmarks share it.
/// </summary>
public sealed class PostgresCluster : IAsyncDisposable
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(120);
    private readonly string _folder;
    private readonly string _stopMode;

    private PostgresCluster(string folder, int port, string stopMode)
    {
        _folder = folder;
        Port = port;
        _stopMode = stopMode;
    }

    public int Port { get; }

    public string DataFolder => Path.Combine(_folder, "data");

    /// <summary>The postmaster's process id (every backend is its child).</summary>
    public int PostmasterPid =>
        int.Parse(File.ReadLines(Path.Combine(DataFolder, "postmaster.pid")).First(), CultureInfo.InvariantCulture);

    private string LogFile => Path.Combine(_folder, "server.log");

    /// <summary>Starts a cluster with these server settings (<c>-c name=value</c>).</summary>
    /// <param name="durable">False skips initdb's syncs, for servers whose data need not survive a crash.</param>
    /// <param name="stopMode">How dispose stops it: <c>fast</c>, or <c>immediate</c> when nothing needs a clean shutdown.</param>
    public static async Task<PostgresCluster> StartAsync(string folderPrefix, IEnumerable<KeyValuePair<string, string>> settings, bool durable, string stopMode = "fast")
    {
        var initdb = PostgresBinaries.Find("initdb");
        var pgCtl = PostgresBinaries.Find("pg_ctl");
        var cluster = new PostgresCluster(Directory.CreateTempSubdirectory(folderPrefix).FullName, FreePort.Next(), stopMode);
        try
        {
            if (Environment.IsPrivilegedProcess)
            {
                await ProcessRunner.RunAsync("chown", ["postgres:postgres", cluster._folder], CommandTimeout);
            }
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(cluster._folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
            string[] initArguments = ["-D", cluster.DataFolder, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"];
            await RunAsPostgresAsync(initdb, durable ? initArguments : [.. initArguments, "--no-sync"]);
            var options = $"-p {cluster.Port} -c listen_addresses=127.0.0.1 -k {cluster._folder} "
                + string.Join(' ', settings.Select(s => $"-c {s.Key}={s.Value}"));
            await RunAsPostgresAsync(pgCtl, ["-D", cluster.DataFolder, "-l", cluster.LogFile, "-o", options, "-w", "-t", "60", "start"]);
            return cluster;
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException)
        {
            var log = File.Exists(cluster.LogFile) ? await File.ReadAllTextAsync(cluster.LogFile) : "(no server log)";
            Directory.Delete(cluster._folder, recursive: true);
            throw new InvalidOperationException($"The throwaway PostgreSQL server did not start: {e.Message}\nServer log:\n{log}", e);
        }
    }

    /// <summary>A connection string to one of its databases, as the superuser, over loopback TCP.</summary>
    public NpgsqlConnectionStringBuilder ConnectionString(string database) => new()
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = "postgres",
        Database = database,
    };

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (File.Exists(Path.Combine(DataFolder, "postmaster.pid")))
        {
            await RunAsPostgresAsync(PostgresBinaries.Find("pg_ctl"), ["-D", DataFolder, "-m", _stopMode, "-w", "stop"]);
        }
        Directory.Delete(_folder, recursive: true);
    }

    private static Task<string> RunAsPostgresAsync(string program, IEnumerable<string> arguments) =>
        Environment.IsPrivilegedProcess
            ? ProcessRunner.RunAsync("runuser", ["-u", "postgres", "--", program, .. arguments], CommandTimeout)
            : ProcessRunner.RunAsync(program, arguments, CommandTimeout);
}
