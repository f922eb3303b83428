using Rally.Benchmarks.Infrastructure;
using static Rally.Benchmarks.Infrastructure.Report;

namespace Rally.Benchmarks.Fanout;

/// <summary>The fan-out run's figures for the summary table: p99 of every arrival of every round, pooled, and the worst round beside.</summary>
internal static class FanoutSummary
{
    public static BenchmarkResult Of(FanoutResult result) =>
        new("fanout", $"{N(result.Participants)} participants over {result.Fronts} fronts, {result.Rounds} rounds",
        [
            new(SummaryGoals.FanoutP99Ratio, result.RallyPooled.P99, result.RawPooled.P99,
                Notes: $"worst round: Rally p99 {N(result.RallyWorst.Latencies.P99)} ms ({result.RallyWorst.Name}), raw {N(result.RawWorst.Latencies.P99)} ms"),
            // Every round waits for every participant's notice or the run fails: reaching here means all arrived.
            new(SummaryGoals.FanoutDelivered, Ok: result.Rally.All(r => r.Latencies.Sorted.Length == result.Participants),
                Notes: $"{N(result.Rally.Sum(r => r.Latencies.Sorted.Length))} notices"),
        ]);
}
