namespace Rally.Benchmarks.Infrastructure;

/// <summary>
/// One figure of a benchmark for the summary table: Rally's value and the baseline it is compared with, in the goal's
/// unit (<see cref="SummaryGoals"/>), or, for a check such as exactly-once, whether it held.
/// </summary>
/// <param name="Goal">The goal's id in <see cref="SummaryGoals"/>.</param>
/// <param name="Value">Rally's figure; null when there is none (e.g. a round that never ended), which misses the goal.</param>
/// <param name="Baseline">What the same job costs done the simplest way, in the same run, if the goal compares with one.</param>
/// <param name="Ok">For a check: whether it held.</param>
/// <param name="Notes">What a reader needs beside the figure: the rounds, the worst one, the sizes.</param>
internal sealed record SummaryRow(string Goal, double? Value = null, double? Baseline = null, bool? Ok = null, string Notes = "");

/// <summary>What one benchmark run reports to the summary: its sizes and its rows.</summary>
/// <param name="Benchmark">The benchmark's command name (<c>ingest</c>, <c>delete</c>, …).</param>
/// <param name="Sizes">The run's sizes in a few words, e.g. "200,000 events, 32 clients, batches of 50, 2 silos".</param>
internal sealed record BenchmarkResult(string Benchmark, string Sizes, IReadOnlyList<SummaryRow> Rows);
