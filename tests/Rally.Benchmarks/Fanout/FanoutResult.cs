using System.Globalization;

namespace Rally.Benchmarks.Fanout;

/// <summary>
/// The fan-out benchmark's figures: every round of each side, the p99 of all rounds' arrivals pooled, their ratio
/// (goal at most <see cref="Goal"/>) and the worst round beside it. Printed at the end; the last line is one line to pick up.
/// </summary>
internal sealed record FanoutResult(
    int Participants, int Fronts, int Rounds, int PayloadBytes,
    IReadOnlyList<Round> Rally, IReadOnlyList<Round> Raw, Latencies RallyPooled, Latencies RawPooled)
{
    public const double Goal = 2.0;

    public double Ratio => RallyPooled.P99 / RawPooled.P99;

    public bool Met => Ratio <= Goal;

    public Round RallyWorst => Rally.MaxBy(r => r.Latencies.P99)!;

    public Round RawWorst => Raw.MaxBy(r => r.Latencies.P99)!;

    public static FanoutResult Of(FanoutOptions options, int payloadBytes, IReadOnlyList<Round> rally, IReadOnlyList<Round> raw) =>
        new(options.Participants, options.Fronts, options.Rounds, payloadBytes, rally, raw, Pool(rally), Pool(raw));

    public void Print()
    {
        var c = CultureInfo.InvariantCulture;
        Console.WriteLine();
        Console.WriteLine($"fan-out of a {PayloadBytes}-byte notice to {Participants} participants over {Fronts} fronts; every round (ms):");
        Console.WriteLine("| round | Rally p50 / p99 / max | operator's POST /end answered | raw p50 / p99 / max |");
        Console.WriteLine("|---|---|---|---|");
        for (var i = 0; i < Rally.Count; i++)
        {
            var (a, b) = (Rally[i].Latencies, Raw[i].Latencies);
            Console.WriteLine(string.Create(c, $"| {i + 1} | {a.P50:F0} / {a.P99:F0} / {a.Max:F0} | {Rally[i].AnsweredMs:F0} | {b.P50:F0} / {b.P99:F0} / {b.Max:F0} |"));
        }
        Console.WriteLine(string.Create(c, $"| all rounds pooled | {RallyPooled.P50:F0} / **{RallyPooled.P99:F0}** / {RallyPooled.Max:F0} | | {RawPooled.P50:F0} / **{RawPooled.P99:F0}** / {RawPooled.Max:F0} |"));
        Console.WriteLine(string.Create(c, $"| worst round (by p99) | {RallyWorst.Name}: {RallyWorst.Latencies.P99:F0} | | {RawWorst.Name}: {RawWorst.Latencies.P99:F0} |"));
        Console.WriteLine(string.Create(c,
            $"result fanout: pooled p99 rally {RallyPooled.P99:F1} ms, raw {RawPooled.P99:F1} ms, ratio {Ratio:F2} (goal <= {Goal:F1}: {(Met ? "met" : "MISSED")}); worst round rally {RallyWorst.Latencies.P99:F1} ms, raw {RawWorst.Latencies.P99:F1} ms"));
    }

    private static Latencies Pool(IReadOnlyList<Round> rounds) => new([.. rounds.SelectMany(r => r.Latencies.Sorted).Order()]);
}
