using static Rally.Benchmarks.Infrastructure.Report;

namespace Rally.Benchmarks.Infrastructure;

/// <summary>How a goal shows the ratio of Rally's value to the baseline.</summary>
internal enum RatioStyle
{
    /// <summary>No ratio column (no baseline, or the ratio means nothing).</summary>
    None,

    /// <summary>As a percentage: Rally's throughput as a share of the baseline's.</summary>
    Percent,

    /// <summary>As a multiple: Rally's cost (time, CPU, bytes) against the baseline's.</summary>
    Times,
}

/// <summary>Which of several runs of a benchmark stands for a goal (see <c>RunMedians</c>).</summary>
internal enum RunFold
{
    /// <summary>The median run, ranked by the ratio to the baseline where the goal shows one, by the value otherwise.</summary>
    Median,

    /// <summary>The median run ranked by Rally's value: a goal judged by the value though a baseline stands beside it.</summary>
    MedianOfValue,

    /// <summary>A run that misses the goal, if any: one bad run misses it (a silo declared dead in one run of three).</summary>
    Worst,
}

/// <summary>One row of the summary table: a figure and its goal, judged from a <see cref="SummaryRow"/>.</summary>
/// <param name="Benchmark">The benchmark that measures it: a goal whose benchmark did not report it is shown "not run".</param>
/// <param name="Check">A correctness check (exactly-once and the like): judged at any size, and a failure fails <c>all</c>.</param>
/// <param name="Fold">Which run stands for the goal when the benchmark ran more than once.</param>
internal sealed record SummaryGoal(
    string Id, string Benchmark, string Figure, string Goal, Func<double, string> Format, RatioStyle Ratio, Func<SummaryRow, bool> Met,
    bool Check = false, RunFold Fold = RunFold.Median);

/// <summary>
/// Every goal of issue 17's table, and each benchmark's correctness check, in the order the summary shows them. A
/// benchmark reports its figures as <see cref="SummaryRow"/>s naming these ids (see <see cref="Summary.Emit"/>).
/// </summary>
internal static class SummaryGoals
{
    public const string IngestRatio = "ingest.ratio";
    public const string IngestPostgresCpu = "ingest.postgres-cpu";
    public const string IngestWal = "ingest.wal";
    public const string IngestUploadP99 = "ingest.upload-p99";
    public const string IngestCommitP99 = "ingest.commit-p99";
    public const string IngestDeclaredDead = "ingest.declared-dead";
    public const string IngestExactlyOnce = "ingest.exactly-once";
    public const string FailoverWorstRound = "failover.worst-round";
    public const string FailoverDeclaredDead = "failover.declared-dead";
    public const string FailoverExactlyOnce = "failover.exactly-once";
    public const string FanoutP99Ratio = "fanout.p99-ratio";
    public const string FanoutDelivered = "fanout.delivered";
    public const string DeleteRatio = "delete.ratio";
    public const string DeleteChecks = "delete.checks";
    public const string PurgeRatio = "purge.ratio";
    public const string PurgeChecks = "purge.checks";

    public static IReadOnlyList<SummaryGoal> All { get; } =
    [
        new(IngestRatio, "ingest", "ingest: end to end vs raw binary COPY (events/s)", "≥ 30 %",
            v => N(v) + "/s", RatioStyle.Percent, r => RatioOf(r) >= 0.30),
        new(IngestPostgresCpu, "ingest", "ingest: PostgreSQL CPU per event (baseline raw COPY)", "≤ 45 µs",
            v => N(v) + " µs", RatioStyle.Times, r => r.Value <= 45, Fold: RunFold.MedianOfValue),
        new(IngestWal, "ingest", "ingest: WAL per event (baseline raw COPY)", "≤ 2,600 B",
            v => N(v) + " B", RatioStyle.Times, r => r.Value <= 2_600, Fold: RunFold.MedianOfValue),
        new(IngestUploadP99, "ingest", "ingest: upload p99", "≤ 200 ms",
            v => N(v) + " ms", RatioStyle.None, r => r.Value <= 200),
        new(IngestCommitP99, "ingest", "ingest: 202 → committed p99", "≤ 500 ms",
            v => N(v) + " ms", RatioStyle.None, r => r.Value <= 500),
        new(IngestDeclaredDead, "ingest", "ingest: silos declared dead (none killed)", "0",
            v => N(v), RatioStyle.None, r => r.Value == 0, Fold: RunFold.Worst),
        Checked(IngestExactlyOnce, "ingest", "ingest: exactly once", "every acknowledged event stored once, nothing else"),
        new(FailoverWorstRound, "failover", "failover: kill -9 → every uploader served again, worst round", "≤ 3 s every round",
            v => F(v, 2) + " s", RatioStyle.None, r => r.Value <= 3),
        new(FailoverDeclaredDead, "failover", "failover: silos declared dead (baseline: killed)", "= killed",
            v => N(v), RatioStyle.None, r => r.Value is { } v && v == r.Baseline, Fold: RunFold.Worst),
        Checked(FailoverExactlyOnce, "failover", "failover: exactly once", "every acknowledged event stored once, nothing else"),
        new(FanoutP99Ratio, "fanout", "fanout: study-ended to all, p99 of all rounds pooled vs raw Clients.All", "≤ 2×",
            v => N(v) + " ms", RatioStyle.Times, r => RatioOf(r) <= 2),
        Checked(FanoutDelivered, "fanout", "fanout: delivery", "every participant got every round's notice"),
        new(DeleteRatio, "delete", "delete: one participant's events vs raw DELETE, median round", "≤ 1.3×",
            v => N(v) + " ms", RatioStyle.Times, r => RatioOf(r) <= 1.3),
        Checked(DeleteChecks, "delete", "delete: checks", "leaver's rows gone, others' untouched, ledger counts them"),
        new(PurgeRatio, "purge", "purge: a study purged at analysis complete vs raw DROP TABLE", "≤ 2×",
            v => N(v) + " ms", RatioStyle.Times, r => RatioOf(r) <= 2),
        Checked(PurgeChecks, "purge", "purge: checks", "the study's data gone, other studies' untouched"),
    ];

    /// <summary>Rally's value over the baseline, or null without both.</summary>
    public static double? RatioOf(SummaryRow row) => row.Value is { } v && row.Baseline is { } b && b > 0 ? v / b : null;

    public static SummaryGoal? Find(string id) => All.FirstOrDefault(g => g.Id == id);

    private static SummaryGoal Checked(string id, string benchmark, string figure, string goal) =>
        new(id, benchmark, figure, goal, v => v > 0 ? "OK" : "FAILED", RatioStyle.None, r => r.Ok == true, Check: true);
}
