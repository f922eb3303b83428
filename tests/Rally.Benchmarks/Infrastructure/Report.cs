using System.Globalization;

namespace Rally.Benchmarks.Infrastructure;

/// <summary>One measured phase: what it did to how many events, how long it took and what it used.</summary>
internal sealed record PhaseResult(string Name, long Events, TimeSpan Elapsed, ResourceUse Use, IReadOnlyList<StatementUse> Statements)
{
    public double EventsPerSecond => Events / Elapsed.TotalSeconds;
}

/// <summary>Prints the benchmark's findings as plain text.</summary>
internal static class Report
{
    public static string N(double value) => value.ToString("#,0", CultureInfo.InvariantCulture);

    public static string F(double value, int decimals = 1) => value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    public static string Ms(TimeSpan value) => F(value.TotalMilliseconds, value.TotalMilliseconds < 10 ? 1 : 0) + " ms";

    /// <summary>The nearest-rank percentile of values already sorted.</summary>
    public static TimeSpan Percentile(IReadOnlyList<TimeSpan> sorted, double percentile) =>
        sorted.Count == 0 ? TimeSpan.Zero : sorted[Math.Clamp((int)Math.Ceiling(percentile / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];

    public static string Distribution(IEnumerable<TimeSpan> values)
    {
        var sorted = values.Order().ToArray();
        return $"p50 {Ms(Percentile(sorted, 50))}, p90 {Ms(Percentile(sorted, 90))}, p99 {Ms(Percentile(sorted, 99))}, max {Ms(Percentile(sorted, 100))}";
    }

    /// <summary>CPU seconds of each process and WAL written, in total and per event, for each phase.</summary>
    public static void PrintResources(IReadOnlyList<PhaseResult> phases, int silos)
    {
        var siloHeaders = string.Concat(Enumerable.Range(1, silos).Select(i => $"{"silo" + i,8}"));
        Console.WriteLine($"  {"CPU seconds",-44}{"wall s",8}{"client",8}{"api",8}{siloHeaders}{"postgres",9}{"other",7}  machine busy");
        foreach (var phase in phases)
        {
            var use = phase.Use;
            var siloCells = string.Concat(use.Silos.Select(s => $"{F(s, 2),8}"));
            Console.WriteLine($"  {phase.Name,-44}{F(use.Wall.TotalSeconds, 2),8}{F(use.Client, 2),8}{F(use.Api, 2),8}{siloCells}{F(use.Postgres, 2),9}{F(use.Other, 2),7}"
                + $"  {F(use.MachineBusy, 1)} of {F(use.MachineTotal, 1)} ({F(100 * use.MachineBusy / Math.Max(use.MachineTotal, 0.01), 0)}%)");
        }
        Console.WriteLine($"  {"CPU µs per event",-44}{"",8}{"client",8}{"api",8}{siloHeaders}{"postgres",9}     WAL B/event  WAL MB");
        foreach (var phase in phases)
        {
            var use = phase.Use;
            double PerEvent(double seconds) => seconds * 1e6 / phase.Events;
            var siloCells = string.Concat(use.Silos.Select(s => $"{N(PerEvent(s)),8}"));
            Console.WriteLine($"  {phase.Name,-44}{"",8}{N(PerEvent(use.Client)),8}{N(PerEvent(use.Api)),8}{siloCells}{N(PerEvent(use.Postgres)),9}"
                + $"  {N((double)use.WalBytes / phase.Events),14}  {N(use.WalBytes / 1e6),6}");
        }
    }

    /// <summary>The statements that took PostgreSQL's time in a phase.</summary>
    public static void PrintStatements(PhaseResult phase, int width)
    {
        Console.WriteLine($"  {phase.Name}: PostgreSQL statements by total execution time (pg_stat_statements)");
        Console.WriteLine($"  {"calls",9}{"rows",10}{"total ms",10}{"mean ms",9}{"WAL MB",8}{"WAL B/ev",9}{"FPI",7}  statement");
        foreach (var s in phase.Statements)
        {
            var query = s.Query.Length > width ? s.Query[..width] + "…" : s.Query;
            Console.WriteLine($"  {N(s.Calls),9}{N(s.Rows),10}{N(s.TotalMs),10}{F(s.TotalMs / Math.Max(s.Calls, 1), 2),9}"
                + $"{F(s.WalBytes / 1e6, 1),8}{N((double)s.WalBytes / phase.Events),9}{N(s.WalFpi),7}  {query}");
        }
    }
}
