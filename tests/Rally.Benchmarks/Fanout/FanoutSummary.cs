using Rally.Benchmarks.Infrastructure;
using static Rally.Benchmarks.Infrastructure.Report;

namespace Rally.Benchmarks.Fanout;

/// <summary>The fan-out run's figures for the summary table: p99 of every arrival of every round, pooled, and the worst round beside.</summary>
internal static class FanoutSummary
{
    public static BenchmarkResult Of(FanoutOptions options, IReadOnlyList<Latencies> rally, IReadOnlyList<Latencies> raw)
    {
        var worst = rally.Select((l, i) => (l.P99, Round: i + 1)).MaxBy(r => r.P99);
        return new BenchmarkResult("fanout", $"{N(options.Participants)} participants, {options.Rounds} rounds",
        [
            new(SummaryGoals.FanoutP99Ratio, Pooled(rally).P99, Pooled(raw).P99,
                Notes: $"worst round: Rally p99 {N(worst.P99)} ms (round {worst.Round}), raw {N(raw.Max(l => l.P99))} ms"),
            // Every round waits for every participant's notice or the run fails: reaching here means all arrived.
            new(SummaryGoals.FanoutDelivered, Ok: rally.All(l => l.Sorted.Length == options.Participants),
                Notes: $"{N(rally.Sum(l => l.Sorted.Length))} notices"),
        ]);
    }

    private static Latencies Pooled(IReadOnlyList<Latencies> rounds) => new([.. rounds.SelectMany(l => l.Sorted).Order()]);
}
