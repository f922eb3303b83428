using Rally.Benchmarks.Infrastructure;
using static Rally.Benchmarks.Infrastructure.Report;

namespace Rally.Benchmarks.Delete;

/// <summary>The delete run's figures for the summary table: the median round by ratio, every round's ratio beside.</summary>
internal static class DeleteSummary
{
    public static BenchmarkResult Of(DeleteOptions options, IReadOnlyList<RoundResult> rounds)
    {
        var median = rounds.OrderBy(r => r.Ratio).ElementAt(rounds.Count / 2);
        return new BenchmarkResult("delete",
            $"{N(options.LeaverEvents)} of {N(options.Events)} events, {options.Participants} participants, {options.Rounds} round(s), {options.Silos} silo(s)",
        [
            new(SummaryGoals.DeleteRatio, median.Rally.Elapsed.TotalMilliseconds, median.Raw.Elapsed.TotalMilliseconds,
                Notes: $"round {median.Number}; rounds {string.Join(", ", rounds.Select(r => F(r.Ratio, 2)))}"),
            new(SummaryGoals.DeleteChecks, Ok: rounds.All(r => r.Checks.Ok), Notes: $"{rounds.Count(r => r.Checks.Ok)} of {rounds.Count} rounds"),
        ]);
    }
}
