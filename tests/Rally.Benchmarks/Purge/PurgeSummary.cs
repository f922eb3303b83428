using Rally.Benchmarks.Infrastructure;
using static Rally.Benchmarks.Infrastructure.Report;

namespace Rally.Benchmarks.Purge;

/// <summary>The purge run's figures for the summary table: the median round by ratio, every round's ratio beside.</summary>
internal static class PurgeSummary
{
    public static BenchmarkResult Of(PurgeOptions options, IReadOnlyList<PurgeRound> rounds, PurgeResult result) =>
        new("purge", $"studies of {N(options.Events)} events, {options.Rounds} round(s), {options.Silos} silo(s)",
        [
            new(SummaryGoals.PurgeRatio, result.RallyMs, result.RawMs, Notes: $"rounds {string.Join(", ", rounds.Select(r => F(r.Ratio, 2)))}"),
            new(SummaryGoals.PurgeChecks, Ok: result.ChecksOk, Notes: $"{rounds.Count(r => r.Checks.Ok)} of {rounds.Count} rounds"),
        ]);
}
