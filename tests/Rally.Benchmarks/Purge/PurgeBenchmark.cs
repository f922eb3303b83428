using System.Diagnostics;
using Npgsql;
using Rally.Benchmarks.Delete;
using Rally.Benchmarks.Infrastructure;
using Rally.Benchmarks.Ingest;
using Rally.Tests.Infrastructure;
using static Rally.Benchmarks.Infrastructure.Report;

namespace Rally.Benchmarks.Purge;

/// <summary>
/// A study of a million events purged when its analysis completes, through Rally (HTTP → study grain → deletion ledger
/// → the store's drop of the study's partition, its ledger read until <c>droppedAt</c>) against one raw
/// <c>DROP TABLE</c> of an identical partition, on one durable PostgreSQL, in the same run.
/// </summary>
internal static class PurgeBenchmark
{
    private const double Goal = 2.0;

    public static async Task<int> RunAsync(PurgeOptions options)
    {
        var result = await MeasureAsync(options);
        return result.ChecksOk ? 0 : 1;
    }

    public static async Task<PurgeResult> MeasureAsync(PurgeOptions options)
    {
        Console.WriteLine($"Rally purge benchmark: studies of {N(options.Events)} events purged at analysis complete, {options.Participants} participants, "
            + $"{options.Rounds} round(s), {options.Silos} silo(s) + 1 API process, polls every {Ms(options.PollInterval)}, {Environment.ProcessorCount} cores");
        Console.WriteLine($"  machine busy before start (1 s sample): {F(await ProcFs.MachineBusyPercentAsync(), 0)}% "
            + $"(anything but 0 is someone else's load); load average {ProcFs.LoadAverage()}");

        var random = new Random(20_241_202);
        using var key = new StudyKeyPair();
        await using var postgres = await DurablePostgres.StartAsync();
        var database = await postgres.CreateDatabaseAsync("rally_bench");
        Console.WriteLine($"  PostgreSQL {await postgres.VersionAsync()}, durable: "
            + string.Join(", ", DurablePostgres.Settings.Take(7).Select(s => $"{s.Key}={s.Value}")));
        await using var rally = await RallyDeployment.StartAsync(database, options.Silos, []);
        using var http = rally.Client();

        // Through the API: the study that stays, one purged first to warm the path up, and one fresh study a round, each
        // with a few real events from every participant, so that every partition is the sink's own.
        var setup = Stopwatch.StartNew();
        var enrollment = await rally.EnrollingStudiesAsync(key, studies: options.Rounds + 2, participants: options.Participants);
        var (otherStudy, warmUpStudy) = (enrollment.StudyIds[0], enrollment.StudyIds[1]);
        var uploaded = options.Participants * PurgeOptions.UploadedPerParticipant;
        var jwes = Workload.MakePayloads(key, 32, random);
        foreach (var studyId in enrollment.StudyIds)
        {
            var uploads = Workload.MakeBatches(
                new BenchmarkOptions { Events = uploaded, Batch = PurgeOptions.UploadedPerParticipant, Clients = options.Participants }, jwes, random);
            await EndToEnd.WarmUpAsync(database, rally.Api.BaseAddress, studyId, enrollment.Tokens, uploads);
        }
        await EndAsync(http, warmUpStudy);
        var warmUp = await RallyPurge.CompleteAnalysisAsync(http, warmUpStudy, options.PollInterval);
        Console.WriteLine($"  through the API in {F(setup.Elapsed.TotalSeconds, 1)} s: {options.Rounds + 2} launched studies, {options.Participants} participants "
            + $"enrolled in each, {uploaded} real events (JWEs) uploaded to each; one study purged first (warm-up: dropped seen after {Ms(warmUp.Observed)})");

        // The study that stays: loaded once, checked after every purge.
        var payloads = SyntheticEvents.MakePayloads(random);
        var participants = Enumerable.Range(0, options.Participants).Select(i => $"bench-participant-{i}").ToArray();
        var other = new StudyData(database, otherStudy);
        var now = DateTime.UtcNow;
        await other.LoadAsync(SyntheticEvents.Make(otherStudy, Spread(options.OtherEvents - uploaded, participants), payloads, random, now.AddDays(-30), now.AddDays(-1)));
        var otherCounts = await other.CountsAsync(StudyData.StudyTable);
        Console.WriteLine($"  the study that stays: {N(otherCounts.Values.Sum())} events of {otherCounts.Count} pseudonyms, checked after every round");
        var probes = new Probes(database, postgres.PostmasterPid, rally.ApiPid, rally.SiloPids);
        Console.WriteLine();

        var results = new List<PurgeRound>();
        for (var r = 0; r < options.Rounds; r++)
        {
            var round = await RunRoundAsync(options, r, http, probes, database, enrollment.StudyIds[r + 2], participants, payloads, random, other, otherCounts);
            results.Add(round);
            PrintRound(options, round);
        }
        return PrintSummary(options, results);
    }

    private static async Task<PurgeRound> RunRoundAsync(PurgeOptions options, int index, HttpClient http, Probes probes, string database, string studyId,
        string[] participants, string[] payloads, Random random, StudyData other, Dictionary<string, long> otherCounts)
    {
        // A fresh study of N events (the participants' uploads and the bulk, by binary COPY), and its mirror.
        var data = new StudyData(database, studyId);
        var now = DateTime.UtcNow;
        var uploaded = options.Participants * PurgeOptions.UploadedPerParticipant;
        var load = await data.LoadAsync(SyntheticEvents.Make(studyId, Spread(options.Events - uploaded, participants), payloads, random, now.AddDays(-30), now.AddDays(-1)));
        var (mirrorCopy, studyIndexes, mirrorIndexes) = await data.CreateMirrorAsync();
        var before = await data.CountsAsync(StudyData.StudyTable);
        var mirrorBefore = await data.CountsAsync(StudyData.MirrorTable);
        if (before.Values.Sum() != options.Events || mirrorBefore.Values.Sum() != options.Events)
        {
            throw new InvalidOperationException($"Round {index + 1} did not start as planned: study {N(before.Values.Sum())} events, mirror {N(mirrorBefore.Values.Sum())}.");
        }
        var sizes = await data.SizesAsync();
        // Ended, as a study must be before its analysis completes (untimed: participants are told, the data is locked).
        await EndAsync(http, studyId);
        Console.WriteLine($"Round {index + 1} of {options.Rounds}: loaded {N(options.Events - uploaded)} events by binary COPY in {F(load.TotalSeconds, 1)} s, "
            + $"copied to {StudyData.MirrorTable} in {F(mirrorCopy.TotalSeconds, 1)} s; partitions {N(sizes.StudyHeap)} MB + {N(sizes.StudyIndexes)} MB "
            + $"of indexes ({studyIndexes}) and {N(sizes.MirrorHeap)} MB + {N(sizes.MirrorIndexes)} MB ({mirrorIndexes}); study ended");

        var rallyFirst = index % 2 == 0;
        RallyPurgeResult purge = null!;
        PhaseResult rallyPhase = null!;
        PhaseResult rawPhase = null!;
        async Task MeasureRallyAsync() => rallyPhase = await probes.MeasureAsync("Rally: complete analysis, poll till dropped", options.Events, async () =>
        {
            purge = await RallyPurge.CompleteAnalysisAsync(http, studyId, options.PollInterval);
            return purge.Observed;
        }, 30);
        async Task MeasureRawAsync()
        {
            await using var connection = await OpenRawAsync(database, data.MirrorPartition);
            rawPhase = await probes.MeasureAsync("raw: one DROP TABLE, autocommit", options.Events, async () =>
            {
                await using var drop = new NpgsqlCommand($"DROP TABLE {data.MirrorPartition}", connection);
                var started = Stopwatch.GetTimestamp();
                await drop.ExecuteNonQueryAsync();
                return Stopwatch.GetElapsedTime(started);
            }, 4);
        }
        if (rallyFirst)
        {
            await MeasureRallyAsync();
            await MeasureRawAsync();
        }
        else
        {
            await MeasureRawAsync();
            await MeasureRallyAsync();
        }

        await using var check = new NpgsqlConnection(database);
        await check.OpenAsync();
        var otherAfter = await other.CountsAsync(StudyData.StudyTable);
        var checks = new PurgeChecks(
            StudyRowsLeft: await EndToEnd.StoredAsync(check, studyId),
            StudyPartitionGone: await ScalarAsync<bool>(check, "SELECT to_regclass($1) IS NULL", data.StudyPartition),
            Tombstone: await ScalarAsync<bool>(check, "SELECT EXISTS (SELECT 1 FROM rally_dropped_studies WHERE study_id = $1)", studyId),
            MirrorPartitionGone: await ScalarAsync<bool>(check, "SELECT to_regclass($1) IS NULL", data.MirrorPartition),
            OtherRows: otherAfter.Values.Sum(),
            OtherUnchanged: otherAfter.Count == otherCounts.Count && otherAfter.All(c => otherCounts.GetValueOrDefault(c.Key) == c.Value),
            ExpectedOther: otherCounts.Values.Sum());
        return new PurgeRound(index + 1, rallyFirst, purge, rallyPhase, rawPhase, checks, sizes.StudyHeap + sizes.StudyIndexes);
    }

    /// <summary>Ends the study as its operator does (<c>POST /v1/studies/{id}/end</c>).</summary>
    private static async Task EndAsync(HttpClient http, string studyId) =>
        await RallyDeployment.SendAsync(http, HttpMethod.Post, RallyDeployment.OperatorKey, $"/v1/studies/{studyId}/end", new { });

    /// <summary>A connection for the raw drop, opened before the clock starts and warmed as the silo's pooled ones are (the partition's metadata read once).</summary>
    private static async Task<NpgsqlConnection> OpenRawAsync(string database, string partition)
    {
        var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var warm = new NpgsqlCommand($"SELECT 1 FROM {partition} LIMIT 0", connection);
        await warm.ExecuteNonQueryAsync();
        return connection;
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, string parameter)
    {
        await using var command = new NpgsqlCommand(sql, connection) { Parameters = { new() { Value = parameter } } };
        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary><paramref name="events"/> shared as evenly as whole numbers allow.</summary>
    private static List<(string Participant, int Events)> Spread(int events, string[] participants) =>
        [.. participants.Select((p, i) => (p, (events / participants.Length) + (i < events % participants.Length ? 1 : 0)))];

    private static void PrintRound(PurgeOptions options, PurgeRound round)
    {
        var p = round.Purge;
        Console.WriteLine($"  ({(round.RallyFirst ? "Rally first" : "raw first")})");
        Console.WriteLine($"  Rally  {Ms(p.Observed),9}  droppedAt seen by the operator: request answered in {Ms(p.Answered)}; the ledger recorded the drop "
            + $"{Ms(p.ToLedger)} after sending, marked it dropped {Ms(p.InLedger)} later; seen {Ms(p.AfterDrop)} after that "
            + $"({p.Polls} poll(s) every {Ms(options.PollInterval)}{(p.FailedPolls > 0 ? $", {p.FailedPolls} failed" : "")})");
        Console.WriteLine($"         its DROP TABLE {Ms(round.RallyStatement)} (pg_stat_statements); every other statement in the phase "
            + $"{Ms(round.RallyOtherStatements)} (state, reminder, tombstone and dead-letter work, the silos' background polling)");
        Console.WriteLine($"  raw    {Ms(round.Raw.Elapsed),9}  one DROP TABLE of {N(round.PartitionMb)} MB, autocommit (statement {Ms(round.RawStatement)})");
        Console.WriteLine($"  Rally / raw: {F(round.Ratio, 2)}   (other CPU on the machine meanwhile: {F(round.Rally.Use.Other, 2)} s and {F(round.Raw.Use.Other, 2)} s)");
        var c = round.Checks;
        Console.WriteLine(c.Ok
            ? $"  checks: OK (the study's rows left 0, its partition gone, its tombstone in rally_dropped_studies; the mirror's partition gone; "
                + $"the other study's {N(c.OtherRows)} events unchanged, participant by participant)"
            : $"  checks: FAILED (the study's rows left {N(c.StudyRowsLeft)}, partition gone: {c.StudyPartitionGone}, tombstone: {c.Tombstone}, "
                + $"mirror gone: {c.MirrorPartitionGone}, the other study's {N(c.OtherRows)} of {N(c.ExpectedOther)} events (unchanged: {c.OtherUnchanged}))");
        Console.WriteLine();
    }

    private static PurgeResult PrintSummary(PurgeOptions options, List<PurgeRound> results)
    {
        var median = results.OrderBy(r => r.Ratio).ElementAt(results.Count / 2);
        Console.WriteLine($"Summary: purging a study of {N(options.Events)} events at analysis complete");
        Console.WriteLine($"  {"round",5}  {"order",-11}{"Rally ms",10}{"raw ms",9}{"ratio",7}  {"Rally DROP stmt",16}{"raw DROP stmt",14}");
        foreach (var r in results)
        {
            Console.WriteLine($"  {r.Number,5}  {(r.RallyFirst ? "Rally first" : "raw first"),-11}{F(r.Rally.Elapsed.TotalMilliseconds, 0),10}{F(r.Raw.Elapsed.TotalMilliseconds, 0),9}"
                + $"{F(r.Ratio, 2),7}  {F(r.RallyStatement.TotalMilliseconds, 1),16}{F(r.RawStatement.TotalMilliseconds, 1),14}");
        }
        Console.WriteLine();
        var ok = results.All(r => r.Checks.Ok);
        Console.WriteLine($"Ratio Rally / raw (median round): {F(median.Ratio, 2)} (rounds {string.Join(", ", results.Select(r => F(r.Ratio, 2)))}; "
            + $"goal ≤ {F(Goal, 0)}×: {(median.Ratio <= Goal ? "MET" : "MISSED")})");
        Console.WriteLine($"  correctness: {(ok ? "OK in every round" : "FAILED (see the rounds above)")}; load average now {ProcFs.LoadAverage()}");
        Console.WriteLine();
        PrintResources([.. results.SelectMany(r => new[] { r.Rally with { Name = $"round {r.Number} {r.Rally.Name}" }, r.Raw with { Name = $"round {r.Number} {r.Raw.Name}" } })], options.Silos);
        Console.WriteLine();
        PrintStatements(median.Rally with { Name = $"round {median.Number} {median.Rally.Name}", Statements = [.. median.Rally.Statements.Take(12)] }, 110);
        PrintStatements(median.Raw with { Name = $"round {median.Number} {median.Raw.Name}" }, 110);
        var result = new PurgeResult(median.Rally.Elapsed.TotalMilliseconds, median.Raw.Elapsed.TotalMilliseconds, median.Ratio, Goal, ok);
        Console.WriteLine();
        Console.WriteLine($"Result: purge {F(result.RallyMs, 0)} ms vs raw DROP TABLE {F(result.RawMs, 0)} ms, ratio {F(result.Ratio, 2)} (goal ≤ {F(Goal, 0)}: "
            + $"{(result.Met ? "met" : "missed")}), checks {(ok ? "OK" : "FAILED")}");
        Summary.Emit(PurgeSummary.Of(options, results, result));
        return result;
    }
}
