using Rally.Benchmarks.Infrastructure;
using static Rally.Benchmarks.Infrastructure.Report;

namespace Rally.Benchmarks.All;

/// <summary>
/// Several runs of one benchmark folded into one result, the way issue 17 judges a figure: by its median run (these
/// machines vary by ±30 % from one run to the next), or the worst run where the goal says so (<see cref="SummaryGoal.Fold"/>),
/// and a check holds only if it held in every run. Each row's notes list every run's figure.
/// </summary>
internal static class RunMedians
{
    public static BenchmarkResult Combine(IReadOnlyList<BenchmarkResult> runs)
    {
        ArgumentOutOfRangeException.ThrowIfZero(runs.Count);
        if (runs.Count == 1)
        {
            return runs[0];
        }
        var ids = runs.SelectMany(r => r.Rows).Select(r => r.Goal).Distinct();
        var rows = ids.Select(id => Combine(id, [.. runs.Select(r => r.Rows.FirstOrDefault(row => row.Goal == id))])).ToArray();
        return new BenchmarkResult(runs[0].Benchmark, runs[0].Sizes, rows);
    }

    private static SummaryRow Combine(string id, SummaryRow?[] each)
    {
        if (each.Any(r => r is null))
        {
            return new SummaryRow(id, Notes: $"reported by {each.Count(r => r is not null)} of {each.Length} runs");
        }
        var rows = each.Cast<SummaryRow>().ToArray();
        if (rows.Any(r => r.Ok is not null))
        {
            // A check: it holds only if it held every time; the notes are those of a run where it did not, if any.
            var failed = rows.FirstOrDefault(r => r.Ok != true);
            return (failed ?? rows[^1]) with { Ok = failed is null, Notes = $"{rows.Count(r => r.Ok == true)} of {rows.Length} runs held; {(failed ?? rows[^1]).Notes}" };
        }
        var goal = SummaryGoals.Find(id);
        if (rows.Any(r => r.Value is null) || goal is null)
        {
            return rows.First(r => r.Value is null || goal is null) with { Notes = $"{rows.Count(r => r.Value is not null)} of {rows.Length} runs gave a figure" };
        }
        var worst = goal.Fold == RunFold.Worst;
        var chosen = worst
            ? rows.FirstOrDefault(r => !goal.Met(r)) ?? rows[0]
            : rows.OrderBy(r => Key(goal, r)).ElementAt(rows.Length / 2);
        var which = worst ? "worst" : "median";
        return chosen with { Notes = $"{which} of {rows.Length} runs: {string.Join(" · ", rows.Select(r => Shown(goal, r)))}; {chosen.Notes}".TrimEnd(' ', ';') };
    }

    /// <summary>What a run is ranked by: its ratio to the baseline where the goal is one, its value otherwise.</summary>
    private static double Key(SummaryGoal goal, SummaryRow row) =>
        ByRatio(goal) && SummaryGoals.RatioOf(row) is { } ratio ? ratio : row.Value!.Value;

    private static bool ByRatio(SummaryGoal goal) => goal.Ratio != RatioStyle.None && goal.Fold == RunFold.Median;

    private static string Shown(SummaryGoal goal, SummaryRow row) => (ByRatio(goal) ? goal.Ratio : RatioStyle.None) switch
    {
        RatioStyle.Percent when SummaryGoals.RatioOf(row) is { } ratio => F(ratio * 100, 1) + " %",
        RatioStyle.Times when SummaryGoals.RatioOf(row) is { } ratio => F(ratio, 2) + "×",
        _ => goal.Format(row.Value!.Value),
    };
}
