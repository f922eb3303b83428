using System.Globalization;

namespace Rally.Benchmarks.Infrastructure;

/// <summary>CPU time of processes and of the machine, read from Linux's <c>/proc</c>.</summary>
internal static class ProcFs
{
    /// <summary>Clock ticks per second of the times in <c>/proc/&lt;pid&gt;/stat</c> (USER_HZ, 100 on Linux).</summary>
    private const double TicksPerSecond = 100;

    /// <summary>CPU seconds (user + system) a process used itself, and those of its children it has reaped.</summary>
    public static (double Own, double ReapedChildren) CpuSeconds(int pid)
    {
        var fields = StatFields(pid);
        if (fields is null)
        {
            return (0, 0);
        }
        // Fields after "(comm)": state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime …
        return ((Tick(fields[11]) + Tick(fields[12])) / TicksPerSecond, (Tick(fields[13]) + Tick(fields[14])) / TicksPerSecond);
    }

    /// <summary>The process ids whose parent is <paramref name="parent"/>.</summary>
    public static IReadOnlyList<int> ChildrenOf(int parent)
    {
        var children = new List<int>();
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(folder), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && StatFields(pid) is { } fields && int.Parse(fields[1], CultureInfo.InvariantCulture) == parent)
            {
                children.Add(pid);
            }
        }
        return children;
    }

    /// <summary>This process's children whose command line mentions <paramref name="text"/>, in process id order.</summary>
    public static IReadOnlyList<int> OwnChildrenRunning(string text) =>
        [.. ChildrenOf(Environment.ProcessId).Where(pid => CommandLine(pid).Contains(text, StringComparison.Ordinal)).Order()];

    /// <summary>A process tree's CPU seconds: the root's own and reaped children's, plus each live child's own.</summary>
    public static double TreeCpuSeconds(int root)
    {
        var (own, reaped) = CpuSeconds(root);
        return own + reaped + ChildrenOf(root).Sum(child => CpuSeconds(child).Own);
    }

    /// <summary>Busy and total CPU seconds of the whole machine (all cores), from <c>/proc/stat</c>.</summary>
    public static (double Busy, double Total) MachineCpuSeconds()
    {
        var line = File.ReadLines("/proc/stat").First();
        var ticks = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(Tick).ToArray();
        // user nice system idle iowait irq softirq steal …; idle and iowait are not busy.
        var total = ticks.Take(8).Sum();
        return ((total - ticks[3] - ticks[4]) / TicksPerSecond, total / TicksPerSecond);
    }

    /// <summary>How busy the whole machine is, sampled over one second: anything but 0 is someone else's load.</summary>
    public static async Task<double> MachineBusyPercentAsync()
    {
        var (busy, total) = MachineCpuSeconds();
        await Task.Delay(TimeSpan.FromSeconds(1));
        var (busyAfter, totalAfter) = MachineCpuSeconds();
        return 100 * (busyAfter - busy) / Math.Max(totalAfter - total, 0.01);
    }

    /// <summary>The load averages over 1, 5 and 15 minutes and the running/total tasks, as <c>/proc/loadavg</c> has them.</summary>
    public static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "unknown";

    private static string CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
        }
        catch (IOException)
        {
            return "";
        }
        catch (UnauthorizedAccessException)
        {
            return "";
        }
    }

    private static string[]? StatFields(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return null; // gone meanwhile
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
        var end = stat.LastIndexOf(')');
        return end < 0 ? null : stat[(end + 2)..].Split(' ');
    }

    private static long Tick(string field) => long.Parse(field, CultureInfo.InvariantCulture);
}
