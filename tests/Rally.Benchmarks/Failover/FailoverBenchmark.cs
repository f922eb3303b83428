using System.Diagnostics;
using Npgsql;
using Rally.Benchmarks.Infrastructure;
using Rally.Benchmarks.Ingest;
using Rally.Silo.Hosting;
using Rally.Tests.Infrastructure;
using static Rally.Benchmarks.Infrastructure.Report;

namespace Rally.Benchmarks.Failover;

/// <summary>How one kill round went.</summary>
internal sealed record KillRound(int Round, int Victim, TimeSpan? ServedAgain, TimeSpan? DeclaredDead, IReadOnlyList<string> Failures, TimeSpan Replaced, string LoadAverage)
{
    public bool Met => ServedAgain <= FailoverOptions.Goal;
}

/// <summary>
/// Silos killed (<c>kill -9</c>) under steady upload load, one per round, each replaced before the next round: how long
/// until every uploader is served again (goal ≤ 3 s in every round), that nothing acknowledged is lost, and how many
/// silos the membership declared dead (exactly those killed: faster detection must not evict a healthy silo).
/// </summary>
internal static class FailoverBenchmark
{
    /// <summary>Uploads a killed silo had leased from the queue are handed out again after this (production: 1 min).</summary>
    private static readonly KeyValuePair<string, string>[] Settings = [new("Rally:Streams:VisibilityTimeout", "00:00:10")];

    public static async Task<int> RunAsync(FailoverOptions options)
    {
        Console.WriteLine($"Rally failover benchmark: {options.Rounds} kill rounds, {options.Silos} silos + 1 API process, {options.Uploaders} uploaders, "
            + $"batches of {options.Batch}, {Environment.ProcessorCount} cores");
        Console.WriteLine("  Rally settings: " + string.Join(", ", Settings.Select(s => $"{s.Key}={s.Value}")) + "; everything else at its defaults");
        Console.WriteLine($"  machine busy before start (1 s sample): {F(await ProcFs.MachineBusyPercentAsync(), 0)}% (anything but 0 is someone else's load); "
            + $"load average {ProcFs.LoadAverage()}");

        using var key = new StudyKeyPair();
        var payloads = Workload.MakePayloads(key, 200, new Random(20_261_130));
        await using var postgres = await DurablePostgres.StartAsync();
        var database = await postgres.CreateDatabaseAsync("rally_failover");
        await using var rally = await RallyDeployment.StartAsync(database, options.Silos, Settings);
        var enrollment = await rally.EnrollingStudiesAsync(key, studies: 1, participants: options.Uploaders);
        var studyId = enrollment.StudyIds[0];
        var membershipBefore = await MembershipCounts.TakeAsync(database);

        using var uploads = new SteadyUploads(rally.Api.BaseAddress, studyId, enrollment.Tokens, payloads, options.Batch);
        uploads.Start();
        var rounds = new List<KillRound>();
        Console.WriteLine();
        Console.WriteLine($"Kill rounds (goal: every uploader served again within {F(FailoverOptions.Goal.TotalSeconds, 0)} s of the kill)");
        for (var round = 1; round <= options.Rounds; round++)
        {
            await Task.Delay(options.Settle);
            var victim = (round - 1) % options.Silos;
            var declaredBefore = await DeclaredAsync(database);
            var killedAtUtc = DateTime.UtcNow;
            var killedAt = Stopwatch.GetTimestamp();
            await rally.Silos[victim].KillAsync();
            var served = await ServedAgainAsync(uploads, killedAt, TimeSpan.FromSeconds(60));
            var declared = await DeclaredAfterAsync(database, declaredBefore, killedAtUtc, TimeSpan.FromSeconds(60));
            var until = served is { } s ? killedAt + (long)(s.TotalSeconds * Stopwatch.Frequency) : Stopwatch.GetTimestamp();
            var failures = uploads.Failures.Where(f => f.At > killedAt && f.At <= until).Select(f => f.What).ToArray();
            var load = ProcFs.LoadAverage();
            var replacing = Stopwatch.StartNew();
            await rally.ReplaceSiloAsync(victim);
            await ActiveAsync(database, options.Silos, TimeSpan.FromSeconds(120));
            var result = new KillRound(round, victim + 1, served, declared, failures, replacing.Elapsed, load);
            rounds.Add(result);
            Console.WriteLine($"  round {round}: kill -9 of silo {victim + 1} → every uploader served again after "
                + $"{(served is { } t ? F(t.TotalSeconds, 2) + " s" : "more than 60 s")} ({(result.Met ? "met" : "MISSED")}); declared dead by another silo after "
                + $"{(declared is { } d ? F(d.TotalSeconds, 2) + " s" : "?")}; "
                + $"{failures.Length} failed answers meanwhile{Breakdown(failures)}; replacement ready and Active after "
                + $"{F(replacing.Elapsed.TotalSeconds, 1)} s; load average {load}");
        }
        await uploads.StopAsync();
        var membershipAfter = await MembershipCounts.TakeAsync(database);

        // Exactly once: every acknowledged event stored, once, and nothing that was never sent.
        var stored = await StoredAsync(database, studyId, uploads.Acknowledged.Keys, TimeSpan.FromSeconds(180));
        var missing = uploads.Acknowledged.Keys.Count(id => !stored.Contains(id));
        var unexpected = stored.Count(id => !uploads.Acknowledged.ContainsKey(id) && !uploads.Unacknowledged.ContainsKey(id));
        var exactlyOnce = missing == 0 && unexpected == 0;
        var falseDeaths = membershipAfter.DeclaredDead - membershipBefore.DeclaredDead - options.Rounds;

        Console.WriteLine();
        var times = rounds.Select(r => r.ServedAgain ?? TimeSpan.MaxValue).Order().ToArray();
        Console.WriteLine($"Served again after a kill: median {Seconds(times[times.Length / 2])}, worst {Seconds(times[^1])} over {rounds.Count} rounds; "
            + $"goal ≤ {F(FailoverOptions.Goal.TotalSeconds, 0)} s in every round: {(rounds.All(r => r.Met) ? "met" : $"MISSED in {rounds.Count(r => !r.Met)} of {rounds.Count}")}");
        var detections = rounds.Where(r => r.DeclaredDead is not null).Select(r => r.DeclaredDead!.Value).Order().ToArray();
        if (detections.Length > 0)
        {
            Console.WriteLine($"Declared dead by another silo after a kill: median {Seconds(detections[detections.Length / 2])}, worst {Seconds(detections[^1])} "
                + "(the floor of failover: the grains of the dead silo answer again only once it is declared dead)");
        }
        Console.WriteLine($"Membership during the run: {membershipAfter.Since(membershipBefore)}; {options.Rounds} killed, so "
            + (falseDeaths <= 0 ? "no healthy silo was declared dead" : $"{falseDeaths} HEALTHY silo(s) declared dead"));
        Console.WriteLine($"Uploads: {N(uploads.Acknowledged.Count)} events acknowledged, {N(uploads.Unacknowledged.Count)} sent but never acknowledged, "
            + $"{N(uploads.Failures.Count)} failed answers in all{Breakdown([.. uploads.Failures.Select(f => f.What)])}");
        Console.WriteLine(exactlyOnce
            ? $"  exactly once: OK ({N(stored.Count)} stored; every acknowledged event stored once, nothing else)"
            : $"  exactly once: FAILED ({N(missing)} acknowledged events missing, {N(unexpected)} stored that were never sent)");
        Summary.Emit(FailoverSummary.Of(options, rounds, membershipAfter.DeclaredDead - membershipBefore.DeclaredDead, exactlyOnce, uploads.Acknowledged.Count));
        return exactlyOnce && falseDeaths <= 0 ? 0 : 1;
    }

    private static async Task<TimeSpan?> ServedAgainAsync(SteadyUploads uploads, long since, TimeSpan limit)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(limit.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            if (uploads.ServedAgainAfter(since) is { } served)
            {
                return served;
            }
            await Task.Delay(10);
        }
        return null;
    }

    private static async Task<IReadOnlyDictionary<string, DateTime>> DeclaredAsync(string database)
    {
        await using var dataSource = NpgsqlDataSource.Create(database);
        return await MembershipDeaths.DeclaredTimesAsync(dataSource, clusterId: null, CancellationToken.None);
    }

    /// <summary>From the kill to the first suspicion by another silo of the silo newly declared dead (the silos' own clock, in the table), or null.</summary>
    private static async Task<TimeSpan?> DeclaredAfterAsync(string database, IReadOnlyDictionary<string, DateTime> before, DateTime killedAt, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (DateTime.UtcNow < deadline)
        {
            if ((await DeclaredAsync(database)).Where(d => !before.ContainsKey(d.Key)).Select(d => (DateTime?)d.Value).FirstOrDefault() is { } at)
            {
                return at - killedAt;
            }
            await Task.Delay(100);
        }
        return null;
    }

    private static async Task ActiveAsync(string database, int silos, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while ((await MembershipCounts.TakeAsync(database)).Active != silos)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The membership table did not show {silos} Active silos within {limit}.");
            }
            await Task.Delay(100);
        }
    }

    /// <summary>The study's stored event ids, once every acknowledged one is among them or after <paramref name="limit"/>.</summary>
    private static async Task<HashSet<Guid>> StoredAsync(string database, string studyId, ICollection<Guid> acknowledged, TimeSpan limit)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            var stored = new HashSet<Guid>();
            await using (var command = new NpgsqlCommand("SELECT id FROM rally_study_events WHERE study_id = $1", connection) { Parameters = { new() { Value = studyId } } })
            await using (var reader = await command.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    stored.Add(reader.GetGuid(0));
                }
            }
            if (acknowledged.All(stored.Contains) || DateTime.UtcNow > deadline)
            {
                return stored;
            }
            await Task.Delay(500);
        }
    }

    private static string Breakdown(string[] failures) =>
        failures.Length == 0 ? "" : " (" + string.Join(", ", failures.GroupBy(f => f).OrderByDescending(g => g.Count()).Select(g => $"{g.Key} ×{g.Count()}")) + ")";

    private static string Seconds(TimeSpan value) => value == TimeSpan.MaxValue ? "more than 60 s" : F(value.TotalSeconds, 2) + " s";
}
