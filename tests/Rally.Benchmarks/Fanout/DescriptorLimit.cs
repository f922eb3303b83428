using System.Runtime.InteropServices;

namespace Rally.Benchmarks.Fanout;

/// <summary>
/// The open-file limit (<c>ulimit -n</c>, RLIMIT_NOFILE) of this process, which the processes it starts inherit: every
/// WebSocket is a descriptor, 10,000 clients here and as many server sockets spread over the fronts or in the raw hub.
/// </summary>
internal static partial class DescriptorLimit
{
    private const int RlimitNofile = 7;

    /// <summary>
    /// Raises the soft limit to <paramref name="needed"/> when the hard limit allows (as <c>ulimit -n</c> would);
    /// otherwise says what to do. Returns the soft limit in force.
    /// </summary>
    public static ulong Ensure(ulong needed)
    {
        if (!OperatingSystem.IsLinux())
        {
            return needed; // Only Linux is measured here; elsewhere the connections will fail clearly enough.
        }
        if (GetRLimit(RlimitNofile, out var limit) != 0)
        {
            throw new InvalidOperationException($"getrlimit(RLIMIT_NOFILE) failed: errno {Marshal.GetLastPInvokeError()}.");
        }
        if (limit.Current >= needed)
        {
            return limit.Current;
        }
        if (limit.Maximum < needed)
        {
            throw new InvalidOperationException(
                $"This run needs {needed} open files per process but the hard limit (ulimit -Hn) is {limit.Maximum}: raise it "
                + $"(as root: ulimit -Hn {needed}; in a container: --ulimit nofile={needed}) or run fewer --participants.");
        }
        var raised = new RLimit { Current = needed, Maximum = limit.Maximum };
        if (SetRLimit(RlimitNofile, ref raised) != 0)
        {
            throw new InvalidOperationException(
                $"Could not raise the open-file limit from {limit.Current} to {needed} (errno {Marshal.GetLastPInvokeError()}): run ulimit -n {needed} first.");
        }
        return needed;
    }

    [LibraryImport("libc", EntryPoint = "getrlimit", SetLastError = true)]
    private static partial int GetRLimit(int resource, out RLimit limit);

    [LibraryImport("libc", EntryPoint = "setrlimit", SetLastError = true)]
    private static partial int SetRLimit(int resource, ref RLimit limit);

    [StructLayout(LayoutKind.Sequential)]
    private struct RLimit
    {
        public ulong Current;
        public ulong Maximum;
    }
}
