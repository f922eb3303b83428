using Rally.Benchmarks.Infrastructure;
using static Rally.Benchmarks.Infrastructure.Report;

namespace Rally.Benchmarks.Failover;

/// <summary>The failover run's figures for the summary table.</summary>
internal static class FailoverSummary
{
    /// <param name="declaredDead">Silos declared dead by another during the run.</param>
    public static BenchmarkResult Of(FailoverOptions options, IReadOnlyList<KillRound> rounds, int declaredDead, bool exactlyOnce, int acknowledged)
    {
        // A round whose uploaders were never all served again has no time: the worst round then has none either, and misses.
        var worst = rounds.Any(r => r.ServedAgain is null) ? (double?)null : rounds.Max(r => r.ServedAgain!.Value.TotalSeconds);
        var times = string.Join(", ", rounds.Select(r => r.ServedAgain is { } t ? F(t.TotalSeconds, 2) : "> 60"));
        return new BenchmarkResult("failover",
            $"{options.Rounds} kill round(s), {options.Uploaders} uploaders, batches of {options.Batch}, {options.Silos} silos",
        [
            new(SummaryGoals.FailoverWorstRound, worst, Notes: $"rounds {times} s; {rounds.Count(r => r.Met)} of {rounds.Count} within 3 s"),
            new(SummaryGoals.FailoverDeclaredDead, declaredDead, rounds.Count),
            new(SummaryGoals.FailoverExactlyOnce, Ok: exactlyOnce, Notes: $"{N(acknowledged)} events acknowledged"),
        ]);
    }
}
