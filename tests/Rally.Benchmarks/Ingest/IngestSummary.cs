using Rally.Benchmarks.Infrastructure;
using static Rally.Benchmarks.Infrastructure.Report;

namespace Rally.Benchmarks.Ingest;

/// <summary>The ingest run's figures for the summary table.</summary>
internal static class IngestSummary
{
    /// <param name="phases">The end-to-end phase first, then raw binary COPY of the same rows.</param>
    /// <param name="declaredDead">Silos declared dead by another from the end-to-end phase on (none is killed).</param>
    public static BenchmarkResult Of(BenchmarkOptions options, EndToEndResult e2e, IReadOnlyList<PhaseResult> phases, int declaredDead, bool exactlyOnce)
    {
        var (endToEnd, rawCopy) = (phases[0], phases[1]);
        double CpuPerEvent(PhaseResult p) => p.Use.Postgres * 1e6 / p.Events;
        double WalPerEvent(PhaseResult p) => (double)p.Use.WalBytes / p.Events;
        var uploads = e2e.Outcomes.Where(o => o.Acknowledged).Select(o => o.Latency).Order().ToArray();
        var commits = e2e.AckToCommit.Order().ToArray();
        return new BenchmarkResult("ingest", $"{N(options.Events)} events, {options.Clients} clients, batches of {options.Batch}, "
            + (options.Studies > 1 ? $"{options.Studies} studies, " : "") + $"{options.Silos} silo(s)",
        [
            new(SummaryGoals.IngestRatio, endToEnd.EventsPerSecond, rawCopy.EventsPerSecond,
                Notes: $"first upload to last commit {F(e2e.CommitTime.TotalSeconds, 1)} s"),
            new(SummaryGoals.IngestPostgresCpu, CpuPerEvent(endToEnd), CpuPerEvent(rawCopy),
                Notes: $"API {N(endToEnd.Use.Api * 1e6 / endToEnd.Events)} µs, silos {N(endToEnd.Use.Silos.Sum() * 1e6 / endToEnd.Events)} µs an event"),
            new(SummaryGoals.IngestWal, WalPerEvent(endToEnd), WalPerEvent(rawCopy)),
            new(SummaryGoals.IngestUploadP99, Percentile(uploads, 99).TotalMilliseconds, Notes: $"p50 {Ms(Percentile(uploads, 50))}"),
            new(SummaryGoals.IngestCommitP99, Percentile(commits, 99).TotalMilliseconds, Notes: $"p50 {Ms(Percentile(commits, 50))}"),
            new(SummaryGoals.IngestDeclaredDead, declaredDead, Notes: "from the end-to-end phase to the end of the run"),
            new(SummaryGoals.IngestExactlyOnce, Ok: exactlyOnce, Notes: $"{N(e2e.Acknowledged)} acknowledged, {e2e.Refused} refused"),
        ]);
    }
}
