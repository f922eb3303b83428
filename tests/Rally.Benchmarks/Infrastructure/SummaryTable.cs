using System.Text;
using static Rally.Benchmarks.Infrastructure.Report;

namespace Rally.Benchmarks.Infrastructure;

/// <summary>One line of the summary table, as text.</summary>
internal sealed record SummaryLine(string Figure, string Rally, string Baseline, string Ratio, string Goal, string Met, string Notes)
{
    /// <summary>A check that failed: <c>all</c> exits non-zero.</summary>
    public bool CheckFailed { get; init; }
}

/// <summary>Lays the summary out: figure, Rally's value, baseline, ratio, goal, met or missed, notes; as plain text or Markdown.</summary>
internal static class SummaryTable
{
    private const string None = "—";
    private static readonly string[] Headers = ["figure", "Rally", "baseline", "ratio", "goal", "met?", "notes"];

    /// <summary>
    /// A reported figure against its goal. When <paramref name="judged"/> is false (small sizes), goals show "(met)" or
    /// "(missed)" for checking the mechanism only; checks are judged at any size.
    /// </summary>
    public static SummaryLine Line(SummaryGoal goal, SummaryRow row, bool judged)
    {
        if (goal.Check)
        {
            var ok = row.Ok == true;
            return new SummaryLine(goal.Figure, ok ? "OK" : "FAILED", None, None, goal.Goal, ok ? "met" : "FAILED", row.Notes) { CheckFailed = !ok };
        }
        var ratio = SummaryGoals.RatioOf(row) is { } r && goal.Ratio != RatioStyle.None
            ? goal.Ratio == RatioStyle.Percent ? F(100 * r, 1) + " %" : F(r, 2) + "×"
            : None;
        var met = goal.Met(row);
        var verdict = judged ? (met ? "met" : "MISSED") : (met ? "(met)" : "(missed)");
        return new SummaryLine(goal.Figure, row.Value is { } v ? goal.Format(v) : "none", row.Baseline is { } b ? goal.Format(b) : None,
            ratio, goal.Goal, verdict, row.Notes);
    }

    /// <summary>A goal nobody measured in this run, and why.</summary>
    public static SummaryLine NotRun(SummaryGoal goal, string why) => new(goal.Figure, "not run", None, None, goal.Goal, None, why);

    /// <summary>A row naming a goal the catalogue does not know (a benchmark ahead of <see cref="SummaryGoals"/>).</summary>
    public static SummaryLine Unknown(SummaryRow row) => new(row.Goal, row.Value is { } v ? F(v, 2) : None,
        row.Baseline is { } b ? F(b, 2) : None, None, "not in SummaryGoals", None, row.Notes);

    /// <summary>The lines for one benchmark's rows, in the catalogue's order.</summary>
    public static IReadOnlyList<SummaryLine> Lines(BenchmarkResult result, bool judged) =>
    [
        .. SummaryGoals.All.Where(g => g.Benchmark == result.Benchmark).Select(g =>
            result.Rows.FirstOrDefault(r => r.Goal == g.Id) is { } row ? Line(g, row, judged) : NotRun(g, "not reported by the benchmark")),
        .. result.Rows.Where(r => SummaryGoals.Find(r.Goal) is null).Select(Unknown),
    ];

    /// <summary>Aligned columns for the console; notes last, unpadded.</summary>
    public static string Text(IReadOnlyList<SummaryLine> lines)
    {
        var cells = lines.Select(Cells).Prepend(Headers).ToArray();
        var widths = Enumerable.Range(0, Headers.Length - 1).Select(c => cells.Max(row => row[c].Length)).ToArray();
        var text = new StringBuilder();
        foreach (var row in cells)
        {
            text.Append("  ");
            for (var c = 0; c < widths.Length; c++)
            {
                // Figures and goals read left to right; numbers line up on the right.
                text.Append(c is 0 or 4 ? row[c].PadRight(widths[c]) : row[c].PadLeft(widths[c])).Append("  ");
            }
            text.Append(row[^1]).Append('\n');
        }
        return text.ToString();
    }

    /// <summary>A GitHub Markdown table, to paste into docs/benchmarks.md.</summary>
    public static string Markdown(IReadOnlyList<SummaryLine> lines)
    {
        var text = new StringBuilder();
        text.Append("| ").AppendJoin(" | ", Headers).Append(" |\n");
        text.Append("|---|---:|---:|---:|---|---|---|\n");
        foreach (var line in lines)
        {
            var cells = Cells(line).Select(c => c.Replace("|", "\\|", StringComparison.Ordinal)).ToArray();
            cells[5] = cells[5] is "met" or None or "(met)" or "(missed)" ? cells[5] : $"**{cells[5]}**";
            text.Append("| ").AppendJoin(" | ", cells).Append(" |\n");
        }
        return text.ToString();
    }

    private static string[] Cells(SummaryLine l) => [l.Figure, l.Rally, l.Baseline, l.Ratio, l.Goal, l.Met, l.Notes];
}
