using System.Diagnostics;
using System.Globalization;
using System.Text;
using Rally.Tests.Infrastructure;

namespace Rally.Tests.Operations;

/// <summary>
/// <c>deploy/local-cluster.sh</c> run in the foreground as a person runs it, with this build's programs
/// (<c>--no-build</c>) and a state folder of its own. Dispose stops whatever it left running and deletes the folder.
/// </summary>
internal sealed class LocalClusterScript : IAsyncDisposable
{
    /// <summary>The line the script prints once every process is ready and it waits for Ctrl-C.</summary>
    private const string ReadyLine = "Press Ctrl-C";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(150);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly DirectoryInfo _stateFolder;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private LocalClusterScript(Process process, DirectoryInfo stateFolder)
    {
        _process = process;
        _stateFolder = stateFolder;
    }

    /// <summary>Everything the script printed so far.</summary>
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

    public int ExitCode => _process.ExitCode;

    private static string Script => Path.Combine(RallyRepository.Root, "deploy", "local-cluster.sh");

    private string StateFile => Path.Combine(_stateFolder.FullName, "state");

    private Dictionary<string, string> ScriptEnvironment => new() { ["RALLY_LOCAL_CLUSTER_DIR"] = _stateFolder.FullName };

    public static LocalClusterScript Start(params string[] options)
    {
        var start = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])[Script, "start", "--no-build", "--configuration", RallyRepository.Configuration, .. options])
        {
            start.ArgumentList.Add(argument);
        }
        RallyRepository.RemoveRallySettings(start);
        var script = new LocalClusterScript(new Process { StartInfo = start }, Directory.CreateTempSubdirectory("rally-local-cluster-"));
        foreach (var (key, value) in script.ScriptEnvironment)
        {
            start.Environment[key] = value;
        }
        script._process.OutputDataReceived += (_, line) => script.Append(line.Data);
        script._process.ErrorDataReceived += (_, line) => script.Append(line.Data);
        script._process.Start();
        script._process.BeginOutputReadLine();
        script._process.BeginErrorReadLine();
        return script;
    }

    /// <summary>Waits for the ready line; fails with the script's output if it exits or times out first.</summary>
    public async Task WaitUntilReadyAsync()
    {
        var exited = _process.WaitForExitAsync();
        var first = await Task.WhenAny(_ready.Task, exited, Task.Delay(StartTimeout));
        Assert.True(first == _ready.Task, $"local-cluster.sh did not become ready (exited: {_process.HasExited}).\n{Output}");
    }

    /// <summary>The script's state file: <c>key=value</c> lines (PIDs, URLs, keys).</summary>
    public IReadOnlyDictionary<string, string> ReadState() =>
        File.ReadLines(StateFile)
            .Select(line => line.Split('=', 2))
            .ToDictionary(pair => pair[0], pair => pair[1], StringComparer.Ordinal);

    /// <summary>Runs <c>local-cluster.sh stop</c> from another process, as from another shell, then waits for the foreground script to end.</summary>
    public async Task StopAsync()
    {
        await ProcessRunner.RunAsync("bash", [Script, "stop"], StopTimeout, ScriptEnvironment);
        using var timeout = new CancellationTokenSource(StopTimeout);
        await _process.WaitForExitAsync(timeout.Token);
    }

    /// <summary>True while the process runs (a zombie not yet reaped by its parent has exited).</summary>
    public static bool IsRunning(int pid)
    {
        var stat = Path.Combine("/proc", pid.ToString(CultureInfo.InvariantCulture), "stat");
        if (!File.Exists(stat))
        {
            return false;
        }
        var text = File.ReadAllText(stat);
        return text[(text.LastIndexOf(')') + 2)..][0] != 'Z';
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (File.Exists(StateFile))
            {
                await ProcessRunner.RunAsync("bash", [Script, "stop"], StopTimeout, ScriptEnvironment);
            }
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        finally
        {
            _process.Dispose();
            _stateFolder.Delete(recursive: true);
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.AppendLine(line);
        }
        if (line.StartsWith(ReadyLine, StringComparison.Ordinal))
        {
            _ready.TrySetResult();
        }
    }
}
