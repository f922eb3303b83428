using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Rally.Benchmarks.Infrastructure;
using Rally.Benchmarks.Ingest;
using Rally.Grains.Ingestion;
using Rally.Tests.Infrastructure;
using static Rally.Benchmarks.Infrastructure.Report;

namespace Rally.Benchmarks.Delete;

/// <summary>
/// A participant leaving a study of a million events, through Rally (HTTP → participant, study and ledger grains →
/// the store's DELETE, polled until completed) against one raw SQL DELETE of the same rows from an identical table,
/// on one durable PostgreSQL, in the same run.
/// </summary>
internal static class DeleteBenchmark
{
    private const double Goal = 1.3;

    public static async Task<int> RunAsync(DeleteOptions options)
    {
        Console.WriteLine($"Rally delete benchmark: one participant's {N(options.LeaverEvents)} events out of a study of {N(options.Events)}, "
            + $"{options.Participants} participants, {options.Rounds} round(s), {options.Silos} silo(s) + 1 API process, polls every {Ms(options.PollInterval)}"
            + (options.PollOnly ? " from the start, " : " once the live data-deleted notice arrived, ")
            + $"{Environment.ProcessorCount} cores");
        Console.WriteLine($"  machine busy before start (1 s sample): {F(await ProcFs.MachineBusyPercentAsync(), 0)}% "
            + $"(anything but 0 is someone else's load); load average {ProcFs.LoadAverage()}");

        var random = new Random(20_241_201);
        using var key = new StudyKeyPair();
        await using var postgres = await DurablePostgres.StartAsync();
        var database = await postgres.CreateDatabaseAsync("rally_bench");
        Console.WriteLine($"  PostgreSQL {await postgres.VersionAsync()}, durable: "
            + string.Join(", ", DurablePostgres.Settings.Take(7).Select(s => $"{s.Key}={s.Value}")));
        await using var rally = await RallyDeployment.StartAsync(database, options.Silos, []);
        using var http = rally.Client();

        // Through the API: the study and its participants, plus one more who leaves first to warm the deletion path up;
        // a few real events each, so that the study's partition and pseudonyms are Rally's own.
        var setup = Stopwatch.StartNew();
        var enrollment = await rally.EnrollingStudiesAsync(key, studies: 1, participants: options.Participants + 1);
        var studyId = enrollment.StudyIds[0];
        var uploaded = (options.Participants + 1) * DeleteOptions.UploadedPerParticipant;
        var uploads = Workload.MakeBatches(
            new BenchmarkOptions { Events = uploaded, Batch = DeleteOptions.UploadedPerParticipant, Clients = options.Participants + 1 },
            Workload.MakePayloads(key, 32, random), random);
        await EndToEnd.WarmUpAsync(database, rally.Api.BaseAddress, studyId, enrollment.Tokens, uploads);
        var warmUp = await RallyDeletion.LeaveAsync(http, enrollment.Tokens[options.Participants], studyId, options.PollInterval);
        var names = await PseudonymsAsync(http, enrollment, studyId, options.Participants, uploads);
        Console.WriteLine($"  through the API in {F(setup.Elapsed.TotalSeconds, 1)} s: a launched study, {options.Participants + 1} participants enrolled, "
            + $"{uploaded} real events (JWEs) uploaded; one participant left first (warm-up deletion: completed seen after {Ms(warmUp.Observed)})");
        Console.WriteLine($"  pseudonyms: the researcher's export names {names.Length} participants, each found by the events it uploaded");

        // The bulk, by binary COPY with those pseudonyms, then the mirror table for the raw baseline.
        var data = new StudyData(database, studyId);
        var payloads = SyntheticEvents.MakePayloads(random);
        var now = DateTime.UtcNow;
        var rows = SyntheticEvents.Make(studyId, InitialShares(options, names), payloads, random, now.AddDays(-30), now.AddDays(-1));
        var load = await data.LoadAsync(rows);
        var (mirrorCopy, studyIndexes, mirrorIndexes) = await data.CreateMirrorAsync();
        await data.AnalyzeAsync();
        var probes = new Probes(database, postgres.PostmasterPid, rally.ApiPid, rally.SiloPids);
        await probes.CheckpointAsync();
        Console.WriteLine($"  loaded {N(rows.Length)} more events by binary COPY in {F(load.TotalSeconds, 1)} s ({N(rows.Length / load.TotalSeconds)} rows/s; "
            + $"payloads {N(payloads.Min(p => p.Length))}–{N(payloads.Max(p => p.Length))} chars, mean {N(payloads.Average(p => p.Length))}); "
            + $"copied to {StudyData.MirrorTable} in {F(mirrorCopy.TotalSeconds, 1)} s ({studyIndexes} indexes on the study's partition, {mirrorIndexes} on the mirror's); ANALYZE, CHECKPOINT");
        var sizes = await data.SizesAsync();
        var (studyPlan, mirrorPlan) = await data.PlansAsync(names[0]);
        Console.WriteLine($"  partitions: the study's {N(sizes.StudyHeap)} MB + {N(sizes.StudyIndexes)} MB of indexes, the mirror's "
            + $"{N(sizes.MirrorHeap)} MB + {N(sizes.MirrorIndexes)} MB; autovacuum off on both (VACUUM between rounds)");
        Console.WriteLine($"  plans: Rally's DELETE {studyPlan}   (the DELETE inside the store's statement)");
        Console.WriteLine($"         raw DELETE   {mirrorPlan}");
        Console.WriteLine();

        var results = new List<RoundResult>();
        for (var r = 0; r < options.Rounds; r++)
        {
            var round = await RunRoundAsync(options, r, http, probes, data, studyId, names[r], enrollment.Tokens[r]);
            results.Add(round);
            PrintRound(options, round);
            if (r < options.Rounds - 1)
            {
                // Back to the same size for the next leaver: the freed space is vacuumed in both tables, the stayers get as many events more.
                await data.VacuumAsync();
                var lastSeq = await data.LastSeqAsync();
                now = DateTime.UtcNow;
                await data.LoadAsync(SyntheticEvents.Make(studyId, Spread(options.LeaverEvents, names[options.Rounds..]), payloads, random,
                    now.AddDays(-1), now.AddHours(-1)));
                await data.MirrorRowsAfterAsync(lastSeq);
                await data.AnalyzeAsync();
            }
        }

        PrintSummary(options, results);
        Summary.Emit(DeleteSummary.Of(options, results));
        return results.All(r => r.Checks.Ok) ? 0 : 1;
    }

    private static async Task<RoundResult> RunRoundAsync(DeleteOptions options, int index, HttpClient http, Probes probes, StudyData data,
        string studyId, string leaver, string token)
    {
        var before = await data.CountsAsync(StudyData.StudyTable);
        var mirrorBefore = await data.CountsAsync(StudyData.MirrorTable);
        if (before.Values.Sum() != options.Events || before.GetValueOrDefault(leaver) != options.LeaverEvents || !SameCounts(before, mirrorBefore))
        {
            throw new InvalidOperationException($"Round {index + 1} did not start as planned: study {N(before.Values.Sum())} events, leaver "
                + $"{N(before.GetValueOrDefault(leaver))}, mirror {N(mirrorBefore.Values.Sum())}.");
        }

        var rallyFirst = index % 2 == 0;
        RallyDeletionResult deletion = null!;
        PhaseResult rallyPhase = null!;
        PhaseResult rawPhase = null!;
        long rawRows = 0;
        async Task MeasureRallyAsync()
        {
            // The participant's page is open (connected to its notices) before it asks to leave, as when it clicks the button.
            await using var notices = options.PollOnly ? null : await DeletionNotices.ConnectAsync(http.BaseAddress!, token);
            await data.WarmAsync(StudyData.StudyTable, leaver);
            rallyPhase = await probes.MeasureAsync(options.PollOnly ? "Rally: leave, poll till completed" : "Rally: leave, notice, poll till completed",
                options.LeaverEvents, async () =>
                {
                    deletion = await RallyDeletion.LeaveAsync(http, token, studyId, options.PollInterval, notices);
                    return deletion.Observed;
                }, 50);
        }
        async Task MeasureRawAsync()
        {
            await using var connection = await data.OpenRawAsync();
            await data.WarmAsync(StudyData.MirrorTable, leaver);
            rawPhase = await probes.MeasureAsync("raw: one DELETE, autocommit", options.LeaverEvents, async () =>
            {
                (var elapsed, rawRows) = await data.RawDeleteAsync(connection, leaver);
                return elapsed;
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

        var after = await data.CountsAsync(StudyData.StudyTable);
        var mirrorAfter = await data.CountsAsync(StudyData.MirrorTable);
        before.Remove(leaver);
        var checks = new RoundChecks(
            LeaverLeft: after.GetValueOrDefault(leaver),
            OthersLeft: after.Where(c => c.Key != leaver).Sum(c => c.Value),
            OthersUnchanged: SameCounts(before, after),
            LedgerDeleted: await LedgerDeletedEventsAsync(http, studyId, deletion.DeletionId),
            RawRows: rawRows,
            MirrorMatches: SameCounts(after, mirrorAfter),
            Expected: options.LeaverEvents,
            ExpectedOthers: options.Events - options.LeaverEvents);
        return new RoundResult(index + 1, rallyFirst, deletion, rallyPhase, rawPhase, checks);
    }

    /// <summary>
    /// The participants' pseudonyms in the study (one per enrollment, made by Rally), read from the researcher's export:
    /// upload <c>b</c> was sent with token <c>b % tokens</c>, so each event id names its participant.
    /// </summary>
    private static async Task<string[]> PseudonymsAsync(HttpClient http, Enrollment enrollment, string studyId, int participants, UploadBatch[] uploads)
    {
        var sender = uploads.SelectMany(u => u.Ids.Select(id => (id, Client: u.Client % enrollment.Tokens.Length))).ToDictionary(x => x.id, x => x.Client);
        var expected = participants * DeleteOptions.UploadedPerParticipant;
        var exported = new Dictionary<Guid, string>();
        // The export shows rows once no older transaction is running: a few tries, 100 ms apart.
        for (var attempt = 0; attempt < 50 && exported.Count < expected; attempt++)
        {
            exported = await ExportedEventsAsync(http, enrollment.ResearcherKey, studyId);
            await Task.Delay(exported.Count < expected ? 100 : 0);
        }
        var names = new string[participants];
        foreach (var (id, pseudonym) in exported)
        {
            var client = sender[id];
            if (client < participants)
            {
                names[client] = names[client] is null || names[client] == pseudonym
                    ? pseudonym
                    : throw new InvalidOperationException($"Participant {client} appears under two pseudonyms in one enrollment.");
            }
        }
        if (names.Any(n => n is null) || names.Distinct(StringComparer.Ordinal).Count() != participants)
        {
            throw new InvalidOperationException($"The export names {exported.Values.Distinct().Count()} participants ({N(exported.Count)} events); expected {participants}.");
        }
        return names;
    }

    /// <summary>Each event's pseudonym in the researcher's export (<c>GET /v1/studies/{id}/events</c>, NDJSON).</summary>
    private static async Task<Dictionary<Guid, string>> ExportedEventsAsync(HttpClient http, string researcherKey, string studyId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/studies/{studyId}/events");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", researcherKey);
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"GET /v1/studies/{studyId}/events: {(int)response.StatusCode} {text}");
        }
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonNode.Parse(line)!)
            .ToDictionary(l => Guid.Parse((string)l["id"]!), l => (string)l["participant"]!);
    }

    /// <summary>What the study's ledger says the deletion removed, as operators see it (null unless completed).</summary>
    private static async Task<long?> LedgerDeletedEventsAsync(HttpClient http, string studyId, Guid deletionId)
    {
        var ledger = await RallyDeployment.SendAsync(http, HttpMethod.Get, RallyDeployment.OperatorKey, $"/v1/studies/{studyId}/deletions");
        var entry = ledger["requests"]!.AsArray().FirstOrDefault(e => Guid.Parse((string)e!["deletionId"]!) == deletionId);
        return entry is not null && (string?)entry["status"] == "completed" ? (long?)entry["deletedEvents"] : null;
    }

    /// <summary>
    /// Rows the bulk load gives each participant, on top of the events uploaded through the API: each round's leaver
    /// ends with the leaver's count, the stayers share the rest.
    /// </summary>
    private static List<(string Participant, int Events)> InitialShares(DeleteOptions options, string[] names)
    {
        var shares = names[..options.Rounds].Select(n => (n, options.LeaverEvents - DeleteOptions.UploadedPerParticipant)).ToList();
        var stayers = Spread(options.Events - (options.Rounds * options.LeaverEvents), names[options.Rounds..]);
        shares.AddRange(stayers.Select(s => (s.Participant, s.Events - DeleteOptions.UploadedPerParticipant)));
        return shares;
    }

    /// <summary><paramref name="events"/> shared as evenly as whole numbers allow.</summary>
    private static List<(string Participant, int Events)> Spread(int events, string[] participants) =>
        [.. participants.Select((p, i) => (p, (events / participants.Length) + (i < events % participants.Length ? 1 : 0)))];

    private static bool SameCounts(Dictionary<string, long> a, Dictionary<string, long> b) =>
        a.Count == b.Count && a.All(c => b.TryGetValue(c.Key, out var other) && other == c.Value);

    private static void PrintRound(DeleteOptions options, RoundResult round)
    {
        var d = round.Deletion;
        Console.WriteLine($"Round {round.Number} of {options.Rounds} ({(round.RallyFirst ? "Rally first" : "raw first")}): "
            + $"{N(options.LeaverEvents)} events of one participant out of {N(options.Events)}");
        Console.WriteLine($"  Rally  {Ms(d.Observed),9}  completed seen by the participant: request answered in {Ms(d.Answered)}; the ledger recorded it "
            + $"{Ms(d.ToLedger)} after sending, marked it completed {Ms(d.InLedger)} later; seen {Ms(d.AfterCompletion)} after that "
            + $"({d.Polls} poll(s) every {Ms(options.PollInterval)}, the last took {Ms(d.LastPoll)}{(d.FailedPolls > 0 ? $", {d.FailedPolls} failed" : "")})");
        Console.WriteLine($"         its deleting statement {Ms(round.RallyStatement)} (pg_stat_statements); "
            + $"every other statement in the phase {Ms(round.RallyOtherStatements)} (state, reminder and notice writes, the tombstone, the silos' background polling)");
        Console.WriteLine($"  raw    {Ms(round.Raw.Elapsed),9}  one DELETE, autocommit, {N(round.Checks.RawRows)} rows (statement {Ms(round.RawStatement)})");
        Console.WriteLine($"  pages: Rally's DELETE {round.RallyPages}; the raw DELETE {round.RawPages} (shared buffers hit / read from the OS)");
        Console.WriteLine($"  Rally / raw: {F(round.Ratio, 2)}   (other CPU on the machine meanwhile: {F(round.Rally.Use.Other, 2)} s and {F(round.Raw.Use.Other, 2)} s)");
        var c = round.Checks;
        Console.WriteLine(c.Ok
            ? $"  checks: OK (leaver's rows left 0; the others' {N(c.OthersLeft)} unchanged, participant by participant; ledger deletedEvents "
                + $"{N(c.LedgerDeleted ?? 0)}; raw DELETE {N(c.RawRows)} rows; both tables hold the same counts)"
            : $"  checks: FAILED (leaver's rows left {N(c.LeaverLeft)}, others {N(c.OthersLeft)} of {N(c.ExpectedOthers)} (unchanged: {c.OthersUnchanged}), "
                + $"ledger deletedEvents {(c.LedgerDeleted is { } n ? N(n) : "none")} of {N(c.Expected)}, raw rows {N(c.RawRows)}, tables match: {c.MirrorMatches})");
        Console.WriteLine();
    }

    private static void PrintSummary(DeleteOptions options, List<RoundResult> results)
    {
        var median = results.OrderBy(r => r.Ratio).ElementAt(results.Count / 2);
        Console.WriteLine($"Summary: deleting {N(options.LeaverEvents)} of {N(options.Events)} events");
        Console.WriteLine($"  {"round",5}  {"order",-11}{"Rally ms",10}{"raw ms",9}{"ratio",7}  {"Rally DELETE stmt",18}{"raw DELETE stmt",16}{"stmt ratio",11}");
        foreach (var r in results)
        {
            Console.WriteLine($"  {r.Number,5}  {(r.RallyFirst ? "Rally first" : "raw first"),-11}{N(r.Rally.Elapsed.TotalMilliseconds),10}{N(r.Raw.Elapsed.TotalMilliseconds),9}"
                + $"{F(r.Ratio, 2),7}  {N(r.RallyStatement.TotalMilliseconds),18}{N(r.RawStatement.TotalMilliseconds),16}"
                + $"{F(r.RallyStatement / Max(r.RawStatement), 2),11}");
        }
        Console.WriteLine();
        Console.WriteLine($"Ratio Rally / raw (median round): {F(median.Ratio, 2)} (rounds {string.Join(", ", results.Select(r => F(r.Ratio, 2)))}; "
            + $"goal ≤ {F(Goal, 1)}×: {(median.Ratio <= Goal ? "MET" : "MISSED")})");
        Console.WriteLine($"  correctness: {(results.All(r => r.Checks.Ok) ? "OK in every round" : "FAILED (see the rounds above)")}");
        Console.WriteLine();

        var d = median.Deletion;
        Console.WriteLine($"Where Rally's time goes (median round, {Ms(d.Observed)} against {Ms(median.Raw.Elapsed)} raw)");
        // The raw DELETE's wall time beyond its execution is its commit (flushing the WAL it wrote) and the round trip;
        // Rally's DELETE writes as much WAL, so it pays about as much.
        var commit = median.Raw.Elapsed - median.RawStatement;
        var ledgerRest = d.InLedger - median.RallyStatement - commit;
        Console.WriteLine($"  {Ms(d.ToLedger),9}  request to the ledger: HTTP, the participant's and the study's state writes");
        Console.WriteLine($"  {Ms(median.RallyStatement),9}  the store's deleting statement (raw DELETE: {Ms(median.RawStatement)}); the same DELETE, "
            + "its count (rows affected) then written to rally_deletion_receipts in the same transaction");
        Console.WriteLine($"  {Ms(commit),9}  its commit and round trip, taken as the raw DELETE's (wall {Ms(median.Raw.Elapsed)} − statement {Ms(median.RawStatement)})");
        Console.WriteLine($"  {Ms(ledgerRest),9}  the rest of the ledger's work until completed: its state write and reminder registration, the timer, "
            + "the advisory lock and tombstone, the data-deleted notice kept and pushed (statements other than the DELETE: "
            + $"{Ms(median.RallyOtherStatements)} in all, background polling included)");
        Console.WriteLine($"  {Ms(d.AfterCompletion),9}  completed to seen: the ledger's final state write and reminder removal, then the answer to the poll "
            + $"({d.Polls} poll(s) every {Ms(options.PollInterval)}; "
            + (d.LastPoll > options.PollInterval
                ? $"the last waited {Ms(d.LastPoll)} for the ledger, which answers between its turns, so polling added no delay of its own)"
                : $"polling adds up to {Ms(options.PollInterval)})"));
        double Dotnet(ResourceUse use) => use.Client + use.Api + use.Silos.Sum();
        Console.WriteLine($"  {F(Dotnet(median.Rally.Use) - Dotnet(median.Raw.Use), 2),7} s  more CPU in the benchmark client, the API and the silo(s) than during the raw phase "
            + $"({F(Dotnet(median.Rally.Use), 2)} s against {F(Dotnet(median.Raw.Use), 2)} s: mostly answering polls), on the cores PostgreSQL deletes with");
        Console.WriteLine();
        PrintResources([.. results.SelectMany(r => new[] { r.Rally with { Name = $"round {r.Number} {r.Rally.Name}" }, r.Raw with { Name = $"round {r.Number} {r.Raw.Name}" } })], options.Silos);
        Console.WriteLine();
        PrintStatements(median.Rally with { Name = $"round {median.Number} {median.Rally.Name}", Statements = [.. median.Rally.Statements.Take(12)] }, 110);
        PrintStatements(median.Raw with { Name = $"round {median.Number} {median.Raw.Name}" }, 110);
    }

    private static TimeSpan Max(TimeSpan value) => value > TimeSpan.Zero ? value : TimeSpan.FromTicks(1);
}
