using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Rally.Benchmarks.Infrastructure;
using Rally.Tests.Infrastructure;
using static Rally.Benchmarks.Infrastructure.Report;

namespace Rally.Benchmarks.All;

/// <summary>The machine a summary was measured on and how busy it was before: figures mean little without it.</summary>
internal sealed record MachineDescription(int Cores, string Cpu, double MemoryGiB, string Os, string Runtime, string LoadAverage, double BusyPercent, string Commit)
{
    public static async Task<MachineDescription> TakeAsync() => new(
        Environment.ProcessorCount,
        ProcLine("/proc/cpuinfo", "model name") ?? "unknown CPU",
        double.TryParse(ProcLine("/proc/meminfo", "MemTotal")?.Split(' ')[0], CultureInfo.InvariantCulture, out var kib) ? kib / (1024 * 1024) : 0,
        $"{OsRelease() ?? RuntimeInformation.OSDescription}, Linux {ProcText("/proc/sys/kernel/osrelease") ?? "?"}",
        RuntimeInformation.FrameworkDescription,
        ProcFs.LoadAverage(),
        await ProcFs.MachineBusyPercentAsync(),
        await CommitAsync());

    public override string ToString() =>
        $"{Cores} cores ({Cpu}), {F(MemoryGiB, 1)} GiB of memory, {Os}, {Runtime}; before the first benchmark: load average {LoadAverage}, "
        + $"machine busy {F(BusyPercent, 0)}% (1 s sample)";

    /// <summary>The value after "<paramref name="key"/> :" on the first line of a <c>/proc</c> file that has it.</summary>
    private static string? ProcLine(string path, string key) =>
        File.Exists(path)
            ? File.ReadLines(path).Where(l => l.StartsWith(key, StringComparison.Ordinal)).Select(l => l[(l.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim()).FirstOrDefault()
            : null;

    private static string? ProcText(string path) => File.Exists(path) ? File.ReadAllText(path).Trim() : null;

    private static string? OsRelease() =>
        File.Exists("/etc/os-release")
            ? File.ReadLines("/etc/os-release").Where(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal)).Select(l => l[12..].Trim('"')).FirstOrDefault()
            : null;

    /// <summary>The checkout's commit, and whether it had changes not committed: the code the figures belong to.</summary>
    private static async Task<string> CommitAsync()
    {
        var head = await GitAsync("rev-parse", "--short", "HEAD");
        var changes = await GitAsync("status", "--porcelain", "--untracked-files=no");
        return head is null ? "unknown" : head + (changes is { Length: > 0 } ? " with changes not committed" : "");
    }

    private static async Task<string?> GitAsync(params string[] args)
    {
        var start = new ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-C");
        start.ArgumentList.Add(RallyRepository.Root);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        try
        {
            using var git = Process.Start(start)!;
            var output = await git.StandardOutput.ReadToEndAsync();
            await git.WaitForExitAsync();
            return git.ExitCode == 0 ? output.Trim() : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // no git on this machine
        }
    }
}
