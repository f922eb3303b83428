using Rally.Benchmarks.Fanout;

#pragma warning disable CA1050 // The runtime looks for a type named StartupHook in no namespace.
/// <summary>
/// Loaded by the runtime into processes the fan-out benchmark starts with <c>DOTNET_STARTUP_HOOKS</c> naming this
/// assembly: starts <see cref="RuntimeProbe"/> when <c>RALLY_BENCH_PROBE_DIR</c> is set. Changes nothing else.
/// </summary>
public static class StartupHook
#pragma warning restore CA1050
{
    public static void Initialize()
    {
        if (Environment.GetEnvironmentVariable(RuntimeProbe.DirectoryVariable) is { Length: > 0 } directory && Directory.Exists(directory))
        {
            RuntimeProbe.StartToFile(directory);
        }
    }
}
