using System.Diagnostics;
using System.Globalization;
using System.Text;
using Rally.Benchmarks.Infrastructure;
using static Rally.Benchmarks.Infrastructure.Report;

namespace Rally.Benchmarks.All;

/// <summary>
/// A benchmark <c>all</c> runs: its command name, the small sizes <c>--quick</c> gives it, and how many times it runs
/// at its defaults (a benchmark of one measurement runs 3 times and is judged by its median run; one that measures
/// several rounds already judges by them and runs once).
/// </summary>
internal sealed record BenchmarkEntry(string Name, string QuickOptions, int Runs = 1);

/// <summary>How one benchmark's runs under <c>all</c> ended (one outcome for all its runs).</summary>
internal sealed record BenchmarkOutcome(BenchmarkEntry Entry, IReadOnlyList<string> Options, int ExitCode, TimeSpan Elapsed, BenchmarkResult? Result, bool TimedOut, int Runs = 1)
{
    public bool Failed => ExitCode != 0 || Result is null;

    public string Ending => (Runs > 1 ? $"{Runs} runs, " : "") + (TimedOut ? $"stopped after {Duration(Elapsed)} (--timeout-minutes)"
        : Result is null ? $"failed: exit code {ExitCode} after {Duration(Elapsed)}, no result (see its output)"
        : $"exit code {ExitCode} after {Duration(Elapsed)}");

    /// <summary>Several runs of one benchmark as one outcome: failed if any run failed; the figures by <see cref="RunMedians"/>.</summary>
    public static BenchmarkOutcome Fold(IReadOnlyList<BenchmarkOutcome> runs)
    {
        if (runs.Count == 1)
        {
            return runs[0];
        }
        var results = runs.Where(r => !r.Failed).Select(r => r.Result!).ToArray();
        var failed = runs.FirstOrDefault(r => r.Failed);
        return new BenchmarkOutcome(runs[0].Entry, runs[0].Options, failed is null ? 0 : failed.ExitCode is 0 ? -1 : failed.ExitCode,
            TimeSpan.FromTicks(runs.Sum(r => r.Elapsed.Ticks)), failed is null ? RunMedians.Combine(results) : null,
            runs.Any(r => r.TimedOut), runs.Count);
    }

    public static string Duration(TimeSpan t) => t.TotalMinutes >= 1 ? $"{(int)t.TotalMinutes} min {t.Seconds} s" : $"{F(t.TotalSeconds, 0)} s";
}

/// <summary>
/// <c>all</c>: every benchmark at its defaults, one after another, each in a process of its own (as when run alone: no
/// configuration, memory or threads left over from the one before), then one table of issue 17's goals.
/// </summary>
internal static class AllBenchmarks
{
    /// <summary>
    /// Every benchmark, in the order run and shown. Adding one is a line here; its RunAsync ends with
    /// <see cref="Summary.Emit"/>, its goals are in <see cref="SummaryGoals"/>.
    /// </summary>
    public static IReadOnlyList<BenchmarkEntry> Registry { get; } =
    [
        new("ingest", "--events 5000 --clients 8", Runs: 3),
        new("failover", "--rounds 1 --uploaders 4 --silos 2 --settle 2"),
        new("fanout", "--participants 200 --rounds 2"),
        new("delete", "--events 20000 --leaver-events 2000 --participants 4 --rounds 1"),
        new("purge", "--events 20000 --other-events 2000 --rounds 1"),
    ];

    public static async Task<int> RunAsync(AllOptions options)
    {
        var started = DateTimeOffset.UtcNow;
        var machine = await MachineDescription.TakeAsync();
        var selected = Registry.Where(b => options.Only?.Contains(b.Name) ?? true).ToArray();
        Console.WriteLine($"Rally benchmarks, all: {string.Join(", ", selected.Select(b => b.Name))}"
            + (options.Quick ? " — QUICK: small sizes, goals not judged" : " at their defaults"));
        Console.WriteLine($"  machine: {machine}");
        Console.WriteLine($"  commit {machine.Commit}");
        var outcomes = new List<BenchmarkOutcome>();
        for (var i = 0; i < selected.Length; i++)
        {
            var runs = options.Runs ?? (options.Quick ? 1 : selected[i].Runs);
            var each = new List<BenchmarkOutcome>();
            for (var run = 1; run <= runs; run++)
            {
                each.Add(await RunOneAsync(selected[i], options, $"{i + 1}/{selected.Length}" + (runs > 1 ? $", run {run} of {runs}" : "")));
            }
            outcomes.Add(BenchmarkOutcome.Fold(each));
        }
        var loadAfter = ProcFs.LoadAverage();

        var lines = Lines(outcomes, options);
        var failed = outcomes.Any(o => o.Failed) || lines.Any(l => l.CheckFailed);
        Console.WriteLine();
        Console.WriteLine(new string('=', 100));
        Console.WriteLine($"Summary of all ({started:yyyy-MM-dd HH:mm} UTC{(options.Quick ? "; QUICK RUN: small sizes, goals not judged" : "")})");
        Console.Write(SummaryTable.Text(lines));
        foreach (var o in outcomes)
        {
            Console.WriteLine($"  {o.Entry.Name}: {o.Result?.Sizes ?? string.Join(' ', o.Options)}; {o.Ending}");
        }
        var path = Path.GetFullPath(options.SummaryOut
            ?? Path.Combine(AppContext.BaseDirectory, "summaries", $"summary-{started:yyyyMMdd-HHmmss}{(options.Quick ? "-quick" : "")}.md"));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, Markdown(started, machine, loadAfter, options, outcomes, lines, failed));
        Console.WriteLine($"  load average after: {loadAfter}");
        Console.WriteLine($"  Markdown summary written to {path}");
        Console.WriteLine(failed
            ? "  exit code 1: " + string.Join("; ", outcomes.Where(o => o.Failed).Select(o => $"{o.Entry.Name} {o.Ending}")
                .Concat(lines.Where(l => l.CheckFailed).Select(l => $"{l.Figure} FAILED")))
            : "  exit code 0: every benchmark ran to its end and every check held");
        return failed ? 1 : 0;
    }

    /// <summary>Runs one benchmark as a child process of this program, its output going straight to the console.</summary>
    private static async Task<BenchmarkOutcome> RunOneAsync(BenchmarkEntry entry, AllOptions options, string position)
    {
        string[] benchmarkOptions = [.. options.Quick ? entry.QuickOptions.Split(' ', StringSplitOptions.RemoveEmptyEntries) : [],
            .. options.Extra.GetValueOrDefault(entry.Name, [])];
        Console.WriteLine();
        Console.WriteLine(new string('=', 100));
        Console.WriteLine($"all [{position}]: {entry.Name} {string.Join(' ', benchmarkOptions)}".TrimEnd());
        Console.WriteLine(new string('=', 100));

        var resultFile = Path.Combine(Path.GetTempPath(), $"rally-bench-{entry.Name}-{Guid.NewGuid():N}.json");
        var program = Environment.ProcessPath ?? throw new InvalidOperationException("No path to this program.");
        var start = new ProcessStartInfo(program) { UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(program) == "dotnet")
        {
            start.ArgumentList.Add(typeof(AllBenchmarks).Assembly.Location); // run as `dotnet Rally.Benchmarks.dll`
        }
        start.ArgumentList.Add(entry.Name);
        foreach (var option in benchmarkOptions)
        {
            start.ArgumentList.Add(option);
        }
        start.Environment[Summary.ResultFileVariable] = resultFile;
        // DOTNET_-prefixed variables reach every Rally process the benchmark starts as configuration (see RallyDeployment).
        foreach (var (key, value) in options.Settings)
        {
            start.Environment["DOTNET_" + key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
        var timedOut = false;
        using (var timeout = new CancellationTokenSource(options.Timeout))
        {
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                timedOut = true;
                process.Kill(entireProcessTree: true); // the benchmark and the PostgreSQL and Rally processes it started
                await process.WaitForExitAsync();
            }
        }
        var result = timedOut ? null : Summary.Read(resultFile);
        File.Delete(resultFile);
        return new BenchmarkOutcome(entry, benchmarkOptions, timedOut ? -1 : process.ExitCode, clock.Elapsed, result, timedOut);
    }

    /// <summary>Every goal of the catalogue: its figure where a benchmark reported it, otherwise "not run" and why.</summary>
    private static List<SummaryLine> Lines(List<BenchmarkOutcome> outcomes, AllOptions options)
    {
        var lines = new List<SummaryLine>();
        foreach (var goal in SummaryGoals.All)
        {
            var outcome = outcomes.FirstOrDefault(o => o.Entry.Name == goal.Benchmark);
            if (outcome?.Result?.Rows.FirstOrDefault(r => r.Goal == goal.Id) is { } row)
            {
                // Sizes other than the defaults are for trying things out, not for judging the goals.
                var judged = !options.Quick && !options.Extra.ContainsKey(goal.Benchmark);
                lines.Add(SummaryTable.Line(goal, row, judged));
                continue;
            }
            lines.Add(SummaryTable.NotRun(goal,
                Registry.All(b => b.Name != goal.Benchmark) ? $"no {goal.Benchmark} benchmark in all yet"
                : outcome is null ? "not selected (--only)"
                : outcome.Result is null ? $"{goal.Benchmark} {outcome.Ending}"
                : "not reported by the benchmark"));
        }
        lines.AddRange(outcomes.SelectMany(o => o.Result?.Rows ?? []).Where(r => SummaryGoals.Find(r.Goal) is null).Select(SummaryTable.Unknown));
        return lines;
    }

    private static string Markdown(DateTimeOffset started, MachineDescription machine, string loadAfter, AllOptions options,
        List<BenchmarkOutcome> outcomes, List<SummaryLine> lines, bool failed)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"#### `all`, {started:yyyy-MM-dd HH:mm} UTC\n\n");
        if (options.Quick)
        {
            text.Append("**Quick run: small sizes, to try the mechanism. The goals are not judged; \"(met)\" and \"(missed)\" mean nothing.**\n\n");
        }
        text.Append(CultureInfo.InvariantCulture, $"Machine: {machine}; after the last: load average {loadAfter}. Commit {machine.Commit}.");
        if (options.Settings.Count > 0)
        {
            text.Append(" Settings for every Rally process: ").AppendJoin(", ", options.Settings.Select(s => $"`{s.Key}={s.Value}`")).Append('.');
        }
        text.Append("\n\n").Append(SummaryTable.Markdown(lines)).Append('\n');
        foreach (var o in outcomes)
        {
            var extra = o.Options.Count > 0 ? $" (`{o.Entry.Name} {string.Join(' ', o.Options)}`)" : " (defaults)";
            text.Append(CultureInfo.InvariantCulture, $"- `{o.Entry.Name}`{extra}: {(o.Result is { } r ? r.Sizes + "; " : "")}{o.Ending}\n");
        }
        text.Append(failed ? "\nExit code 1: a benchmark failed or a check did not hold.\n" : "\nEvery benchmark ran to its end and every check held.\n");
        return text.ToString();
    }
}
