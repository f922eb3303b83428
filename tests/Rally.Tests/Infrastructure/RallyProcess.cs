using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Rally.Tests.Infrastructure;

/// <summary>A real <c>Rally.Silo</c> or <c>Rally.Api</c> process on loopback ports of its own, killed (with its children) on dispose.</summary>
internal sealed class RallyProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _errors = new();

    private RallyProcess(Process process, int httpPort)
    {
        _process = process;
        HttpPort = httpPort;
    }

    public int HttpPort { get; }

    public Uri BaseAddress => new($"http://127.0.0.1:{HttpPort}");

    public bool HasExited => _process.HasExited;

    /// <summary>Everything the process printed so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>A silo of the cluster kept in <paramref name="connectionString"/>'s database.</summary>
    public static RallyProcess StartSilo(string connectionString, IDictionary<string, string>? settings = null)
    {
        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__Rally"] = connectionString,
            ["Rally__Pseudonyms__Key"] = TestSecrets.PseudonymKey,
            ["Rally__Cluster__SiloPort"] = Port(),
            ["Rally__Cluster__GatewayPort"] = Port(),
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }
        return Start("Rally.Silo", [], environment);
    }

    /// <summary>What the process printed on standard error so far.</summary>
    public string Errors
    {
        get
        {
            lock (_output)
            {
                return _errors.ToString();
            }
        }
    }

    public int Id => _process.Id;

    /// <summary>Waits until the process has exited by itself and returns its exit code.</summary>
    public async Task<int> ExitCodeAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(deadline.Token);
        return _process.ExitCode;
    }

    /// <summary><c>kill -9</c>: the process dies at once, without leaving the cluster.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    /// <summary>SIGTERM, as an orchestrator stops a container: the host shuts down gracefully (a silo leaves the cluster).</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }
        using var deadline = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(deadline.Token);
    }

    /// <summary>An API front: with a connection string, a client of the silos; without, the embedded default.</summary>
    public static RallyProcess StartApi(IDictionary<string, string> environment, int? httpPort = null) => Start("Rally.Api", ["--urls"], environment, httpPort);

    /// <summary>
    /// An API front of the silos kept in <paramref name="connectionString"/>'s database, with the tests' secrets; on
    /// <paramref name="httpPort"/> when given (a front started again where its clients knew it), a free port otherwise.
    /// </summary>
    public static RallyProcess StartFront(string connectionString, IDictionary<string, string>? settings = null, int? httpPort = null)
    {
        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__Rally"] = connectionString,
            ["Rally__OperatorKey"] = TestSecrets.OperatorKey,
            ["Rally__StudyIds__Key"] = TestSecrets.StudyIdKey,
            ["Rally__Credentials__Key"] = TestSecrets.CredentialKey,
            ["Rally__Signing__Key"] = TestSecrets.SigningKey,
        };
        foreach (var (key, value) in TestLimits.GenerousEnvironment)
        {
            environment[key] = value;
        }
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }
        return StartApi(environment, httpPort);
    }

    /// <summary>A silo with this environment and no Rally setting of its own (not even a connection string).</summary>
    public static RallyProcess StartBareSilo(IDictionary<string, string> environment) => Start("Rally.Silo", [], environment);

    private static RallyProcess Start(string project, string[] urlsArgument, IDictionary<string, string> environment, int? port = null)
    {
        var httpPort = port ?? FreePort.Next();
        var assembly = RallyRepository.AssemblyPath(project);
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(assembly),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(assembly);
        var url = $"http://127.0.0.1:{httpPort}";
        if (urlsArgument.Length > 0)
        {
            // The API is told its URL on the command line, as a person would (--urls must be honoured).
            start.ArgumentList.Add(urlsArgument[0]);
            start.ArgumentList.Add(url);
        }
        else
        {
            start.Environment["ASPNETCORE_URLS"] = url;
        }
        RallyRepository.RemoveRallySettings(start);
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = new Process { StartInfo = start };
        var rally = new RallyProcess(process, httpPort);
        process.OutputDataReceived += (_, line) => rally.Append(line.Data, error: false);
        process.ErrorDataReceived += (_, line) => rally.Append(line.Data, error: true);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return rally;
    }

    /// <summary>True when <c>/health/ready</c> answers 200.</summary>
    public async Task<bool> IsReadyAsync(HttpClient http)
    {
        try
        {
            using var response = await http.GetAsync(new Uri(BaseAddress, "/health/ready"));
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false; // not listening yet
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await _process.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            _process.Dispose();
        }
    }

    private static string Port() => FreePort.Next().ToString(CultureInfo.InvariantCulture);

    private void Append(string? line, bool error)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.AppendLine(line);
            if (error)
            {
                _errors.AppendLine(line);
            }
        }
    }
}
