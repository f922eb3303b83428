using System.Diagnostics;
using Npgsql;
using Rally.Benchmarks.Infrastructure;
using Rally.Tests.Infrastructure;
using static Rally.Benchmarks.Infrastructure.Report;

namespace Rally.Benchmarks.Ingest;

/// <summary>
/// Study-data ingest, end to end (HTTP → API → ADO.NET stream → per-study sink → <c>rally_study_events</c>)
/// against writing the same rows straight into an identical table with binary COPY, on one durable PostgreSQL.
/// </summary>
internal static class IngestBenchmark
{
    public static async Task<int> RunAsync(BenchmarkOptions options)
    {
        Console.WriteLine($"Rally ingest benchmark: {N(options.Events)} events, {options.Clients} clients, batches of {options.Batch}, "
            + (options.Studies > 1 ? $"{options.Studies} studies, " : "")
            + $"{options.Silos} silo(s) + 1 API process, {Environment.ProcessorCount} cores");
        if (options.Settings.Count > 0)
        {
            Console.WriteLine("  Rally settings: " + string.Join(", ", options.Settings.Select(s => $"{s.Key}={s.Value}")));
        }
        if (options.RallyConnectionOptions.Length > 0)
        {
            Console.WriteLine("  Rally processes' Npgsql options: " + options.RallyConnectionOptions);
        }

        // Runtime knobs (DOTNET_gcServer, DOTNET_TieredPGO, …) reach every process; the SDK's own variables do not matter here.
        string[] ignored = ["DOTNET_Rally", "DOTNET_CLI_", "DOTNET_NOLOGO", "DOTNET_ROOT", "DOTNET_GENERATE_"];
        var runtime = Environment.GetEnvironmentVariables().Keys.Cast<string>()
            .Where(k => k.StartsWith("DOTNET_", StringComparison.Ordinal) && !ignored.Any(i => k.StartsWith(i, StringComparison.Ordinal)))
            .Order().ToArray();
        if (runtime.Length > 0)
        {
            Console.WriteLine("  runtime settings (all processes): " + string.Join(", ", runtime.Select(k => $"{k}={Environment.GetEnvironmentVariable(k)}")));
        }
        Console.WriteLine($"  machine busy before start (1 s sample): {F(await ProcFs.MachineBusyPercentAsync(), 0)}% (anything but 0 is someone else's load)");

        // Everything sent is made before anything is timed.
        var random = new Random(20_240_601);
        using var key = new StudyKeyPair();
        var payloads = Workload.MakePayloads(key, Math.Min(options.Events, 2_000), random);
        var batches = Workload.MakeBatches(options, payloads, random);
        var warmUp = Workload.MakeBatches(options with { Events = options.WarmUpEvents }, payloads, random);
        Console.WriteLine($"  payloads: {N(payloads.Length)} distinct JWEs (ECDH-ES/A256GCM, jose-jwt), {N(payloads.Min(p => p.Length))}–"
            + $"{N(payloads.Max(p => p.Length))} chars, mean {N(payloads.Average(p => p.Length))}; request bodies mean "
            + $"{N(batches.Average(b => b.Body.Length) / 1024)} KiB");

        await using var postgres = await DurablePostgres.StartAsync();
        var database = await postgres.CreateDatabaseAsync("rally_bench");
        Console.WriteLine($"  PostgreSQL {await postgres.VersionAsync()}, durable: "
            + string.Join(", ", DurablePostgres.Settings.Take(7).Select(s => $"{s.Key}={s.Value}")));
        if (options.ServerWarmUpMegabytes > 0)
        {
            var warming = Stopwatch.StartNew();
            await postgres.WarmUpServerAsync(options.ServerWarmUpMegabytes);
            Console.WriteLine($"  server warmed up: {N(options.ServerWarmUpMegabytes)} MB written, read into shared_buffers and dropped, then a checkpoint ({F(warming.Elapsed.TotalSeconds, 1)} s)");
        }
        else
        {
            Console.WriteLine("  server not warmed up (--server-warm-up 0): the first phase meets a new server");
        }
        var rallyDatabase = options.RallyConnectionOptions.Length == 0 ? database : database + ";" + options.RallyConnectionOptions;
        await using var rally = await RallyDeployment.StartAsync(rallyDatabase, options.Silos, options.Settings);
        var enrollment = await rally.EnrollingStudiesAsync(key, studies: options.Studies, participants: options.Clients);
        var (studyIds, tokens) = (enrollment.StudyIds, enrollment.Tokens);
        var probes = new Probes(database, postgres.PostmasterPid, rally.ApiPid, rally.SiloPids);
        // The measured studies themselves, so that what is measured is a study taking data (its partition made, its
        // sinks active, its streams known to the silos' pulling agents), not a study's first upload.
        var warmUpIds = await EndToEnd.WarmUpAsync(database, rally.Api.BaseAddress, studyIds, tokens, warmUp);
        Console.WriteLine($"  warmed up with {N(warmUpIds.Count)} events to the measured {(studyIds.Length == 1 ? "study" : "studies")}; measuring.");
        Console.WriteLine();

        await probes.CheckpointAsync();
        await probes.ResetStatementsAsync();
        var membershipBefore = await MembershipCounts.TakeAsync(database);
        var before = await probes.TakeAsync();
        var e2e = await EndToEnd.RunAsync(database, rally.Api.BaseAddress, studyIds, tokens, batches, options.DrainTimeout);
        await Task.Delay(Probes.SettleTime);
        var after = await probes.TakeAsync();
        // Faster failure detection must not evict a silo that is merely busy: no silo is killed here, so any death is a false one.
        var membership = (await MembershipCounts.TakeAsync(database)).Since(membershipBefore);
        var phases = new List<PhaseResult>
        {
            new("end to end (HTTP → stream → sink)", e2e.Acknowledged, e2e.CommitTime, before.To(after), await probes.StatementsAsync(12)),
        };

        // Exactly once: every acknowledged event stored, once, and nothing else.
        var direct = new DirectWrites(database, studyIds);
        var storedWithWarmUp = await direct.ReadStoredAsync();
        var stored = storedWithWarmUp.Where(r => !warmUpIds.Contains(r.Id)).ToList();
        var warmUpStored = storedWithWarmUp.Count - stored.Count;
        var storedIds = stored.Select(r => r.Id).ToHashSet();
        // Each acknowledged id under the study it was sent to: stored elsewhere is not stored.
        var acknowledged = batches.Where(b => e2e.Outcomes[b.Index].Acknowledged)
            .SelectMany(b => b.Ids.Select(id => (id, study: b.StudyOf(studyIds))))
            .ToDictionary(x => x.id, x => x.study);
        var missing = acknowledged.Keys.Count(id => !storedIds.Contains(id));
        var unexpected = stored.Count(r => !acknowledged.TryGetValue(r.Id, out var study) || study != r.StudyId);
        var exactlyOnce = e2e.Drained && stored.Count == e2e.Acknowledged && storedIds.Count == stored.Count && missing == 0 && unexpected == 0 && e2e.Refused == 0
            && warmUpStored == warmUpIds.Count;
        // The baselines write the same rows into one study's partition (the first study's, or one made like it).
        var rows = options.Studies == 1 ? stored : [.. stored.Select(r => r with { StudyId = studyIds[0] })];

        var (studyIndexes, copyIndexes) = await direct.CreateCopyTableAsync();
        phases.Add(await probes.MeasureAsync("raw binary COPY, 1 transaction, 1 connection", rows.Count,
            () => direct.CopyAsync(rows, rows.Count, 1), 4));
        await direct.TruncateCopyTableAsync();
        phases.Add(await probes.MeasureAsync($"binary COPY, {options.Batch} rows/txn × {options.SinkWriters} conns", rows.Count,
            () => direct.CopyAsync(rows, options.Batch, options.SinkWriters), 4));
        phases.Add(await probes.MeasureAsync($"Rally sink statement, {options.Batch} rows/txn × {options.SinkWriters}", rows.Count,
            () => direct.SinkStatementAsync(rows, batches, 1, options.SinkWriters), 4));
        phases.Add(await probes.MeasureAsync($"Rally sink statement, {options.Batch * 10} rows/txn × {options.SinkWriters}", rows.Count,
            () => direct.SinkStatementAsync(rows, batches, 10, options.SinkWriters), 4));
        phases.Add(await probes.MeasureAsync($"COPY to temp stage + INSERT…ON CONFLICT, {options.Batch * 10} rows/txn × 2", rows.Count,
            () => direct.StagedCopyAsync(rows, options.Batch * 10, 2), 4));
        var tables = await probes.TablesAsync();

        PrintResults(e2e, rows.Count, storedIds.Count, missing, unexpected, exactlyOnce, phases, studyIndexes, copyIndexes);
        Console.WriteLine($"Membership during the end-to-end phase: {membership} (goal: none declared dead)");
        Console.WriteLine();
        PrintBreakdown(options, e2e, batches, phases, tables);
        var declaredDead = (await MembershipCounts.TakeAsync(database)).DeclaredDead - membershipBefore.DeclaredDead;
        Summary.Emit(IngestSummary.Of(options, e2e, phases, declaredDead, exactlyOnce));
        return exactlyOnce ? 0 : 1;
    }

    private static void PrintResults(EndToEndResult e2e, int rows, int distinct, int missing, int unexpected,
        bool exactlyOnce, List<PhaseResult> phases, int studyIndexes, int copyIndexes)
    {
        var endToEnd = phases[0];
        var rawCopy = phases[1];
        Console.WriteLine("End to end: HTTP upload → API → Orleans stream → study sink → rally_study_events (committed)");
        Console.WriteLine($"  events/s end to end:   {N(endToEnd.EventsPerSecond),9}   ({N(e2e.Acknowledged)} events, first upload to last commit {F(e2e.CommitTime.TotalSeconds, 2)} s)");
        Console.WriteLine($"  events/s acknowledged: {N(e2e.Acknowledged / e2e.UploadTime.TotalSeconds),9}   (all 202s in {F(e2e.UploadTime.TotalSeconds, 2)} s)");
        Console.WriteLine($"  upload latency:        {Distribution(e2e.Outcomes.Where(o => o.Acknowledged).Select(o => o.Latency))}");
        Console.WriteLine($"  202 → committed:       {Distribution(e2e.AckToCommit)}   (visibility polled every {Ms(e2e.PollInterval)}, {N(e2e.Polls)} polls)");
        Console.WriteLine($"  counts: uploads {N(e2e.Outcomes.Length)}, acknowledged {N(e2e.Acknowledged)}, duplicates {N(e2e.Duplicates)}, "
            + $"refused {e2e.Refused}, retried {e2e.Retried}; stored {N(rows)} (distinct {N(distinct)})");
        if (e2e.Outcomes.FirstOrDefault(o => !o.Acknowledged) is { } failure)
        {
            Console.WriteLine($"  first failed upload: {failure.Failure}");
        }
        Console.WriteLine(exactlyOnce
            ? "  exactly once: OK (stored == acknowledged; every acknowledged event stored once, under its study; nothing else stored)"
            : $"  exactly once: FAILED (drained {e2e.Drained}, acknowledged {N(e2e.Acknowledged)}, stored {N(rows)}, distinct {N(distinct)}, "
                + $"missing {N(missing)}, not acknowledged or under another study {N(unexpected)}, refused {e2e.Refused})");
        Console.WriteLine();
        Console.WriteLine($"Direct writes of the same {N(rows)} rows (bench_copy_events: LIKE rally_study_events INCLUDING ALL, partitioned by study; "
            + $"{copyIndexes} indexes on its partition, {studyIndexes} on the study's)");
        foreach (var phase in phases.Skip(1))
        {
            Console.WriteLine($"  {phase.Name,-46} {N(phase.EventsPerSecond),9} events/s  ({F(phase.Elapsed.TotalSeconds, 2)} s)");
        }
        var ratio = endToEnd.EventsPerSecond / rawCopy.EventsPerSecond;
        Console.WriteLine();
        Console.WriteLine($"Ratio end to end / raw COPY: {F(ratio, 3)} ({F(100 * ratio, 1)}%; goal ≥ 30%: {(ratio >= 0.3 ? "met" : "MISSED")})");
        Console.WriteLine($"  p50/p99 upload latency {Ms(Percentile([.. e2e.Outcomes.Select(o => o.Latency).Order()], 50))}/"
            + $"{Ms(Percentile([.. e2e.Outcomes.Select(o => o.Latency).Order()], 99))}, p99 202→committed {Ms(Percentile([.. e2e.AckToCommit.Order()], 99))}");
        Console.WriteLine();
    }

    private static void PrintBreakdown(BenchmarkOptions options, EndToEndResult e2e, UploadBatch[] batches, List<PhaseResult> phases, IReadOnlyList<TableUse> tables)
    {
        Console.WriteLine("Where the time goes");
        PrintResources(phases, options.Silos);
        Console.WriteLine();
        PrintStatements(phases[0], 110);
        foreach (var phase in phases.Skip(1))
        {
            PrintStatements(phase, 110);
        }
        Console.WriteLine();
        Console.WriteLine("  Tables written during the run (pg_stat_user_tables, cumulative; size includes indexes and TOAST)");
        Console.WriteLine($"  {"table",-40}{"inserted",11}{"updated",11}{"deleted",11}{"live",11}{"dead",11}{"MB",9}");
        foreach (var t in tables.Where(t => t.Inserted + t.Updated + t.Deleted > 100))
        {
            Console.WriteLine($"  {t.Table,-40}{N(t.Inserted),11}{N(t.Updated),11}{N(t.Deleted),11}{N(t.Live),11}{N(t.Dead),11}{F(t.TotalBytes / 1e6),9}");
        }
        Console.WriteLine();
        Console.WriteLine("  End-to-end timeline");
        Timeline.Print(e2e.Start, e2e.Outcomes, e2e.VisibleAt, batches);
    }
}
