using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Npgsql;
using Rally.Benchmarks.Infrastructure;
using Rally.Tests.Infrastructure;

namespace Rally.Benchmarks.Fanout;

/// <summary>
/// Live notices at scale, as deployed: N participants connected over WebSockets to F API fronts (Client mode) of S
/// silos on a durable PostgreSQL, all enrolled in the same studies; each round the operator ends one study and the
/// time until every participant has its <c>study-ended</c> notice is measured. Then the same number of clients connect
/// to a plain hub in a process of its own and the same payload is broadcast with <c>Clients.All</c>: the baseline.
/// Every process (the benchmark too) samples its GC pauses and thread pool (<see cref="RuntimeProbe"/>), so that each
/// round says where its tail came from.
/// </summary>
internal static class FanoutBenchmark
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    /// <summary>The fan-out's and the fronts' steps at debug level, with their times: printed for each round's notice.</summary>
    private static readonly KeyValuePair<string, string>[] Tracing =
    [
        new("Logging:LogLevel:Rally.Grains.Notices.NoticeFanOutGrain", "Debug"),
        new("Logging:LogLevel:Rally.Api.Notices.NoticeFront", "Debug"),
    ];

    public static async Task<int> RunAsync(FanoutOptions options)
    {
        Console.WriteLine($"fanout: {options.Participants} participants over {options.Fronts} fronts, {options.Silos} silos, {options.Rounds} rounds (after one warm-up round each side)");
        Console.WriteLine($"load average before: {ProcFs.LoadAverage()}");
        // Each process holds at most every participant's socket (the benchmark its clients, the raw hub its server
        // sockets), plus PostgreSQL connections, files and pipes; children inherit the limit.
        var limit = DescriptorLimit.Ensure((ulong)options.Participants + 2048);
        CheckEphemeralPorts(options.Participants);
        Console.WriteLine($"open-file limit (ulimit -n) of this process and its children: {limit}");

        var probeDirectory = Directory.CreateTempSubdirectory("rally-fanout-probe-").FullName;
        Environment.SetEnvironmentVariable("DOTNET_STARTUP_HOOKS", typeof(RuntimeProbe).Assembly.Location);
        Environment.SetEnvironmentVariable(RuntimeProbe.DirectoryVariable, probeDirectory);
        var self = RuntimeProbe.StartInMemory();

        await using var postgres = await DurablePostgres.StartAsync();
        var database = await postgres.CreateDatabaseAsync("rally_fanout");
        // RallyProcess.StartFront gives every front the tests' generous rate limits (TestLimits): thousands of joins,
        // enrollments and hub connections come from one address here.
        await using var deployment = await RallyDeployment.StartAsync(database, options.Silos, Tracing, options.Fronts);
        using var key = new StudyKeyPair();

        var setup = Stopwatch.StartNew();
        var studies = options.Rounds + 1;
        var enrollment = await deployment.EnrollingStudiesAsync(key, studies, options.Participants, options.SetupParallelism);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"setup: {studies} studies; {options.Participants} participants joined, each enrolled in every study, {options.SetupParallelism} at a time: {setup.Elapsed.TotalSeconds:F1} s ({options.Participants * (studies + 1) / setup.Elapsed.TotalSeconds:F0} calls/s)"));

        var rallyProbes = new List<(string Name, Func<IReadOnlyList<RuntimeProbe.Sample>> Samples)> { ("bench", self.Snapshot) };
        rallyProbes.AddRange(deployment.Fronts.Select((f, i) => ($"front{i + 1}", ProbeFile(probeDirectory, f.Id))));
        rallyProbes.AddRange(deployment.Silos.Select((s, i) => ($"silo{i + 1}", ProbeFile(probeDirectory, s.Id))));

        var (rallyRounds, payload) = await RunRallyAsync(deployment, database, enrollment, options);
        PrintProbes("rally", rallyRounds, rallyProbes);
        // A push that failed (a front whose call failed is dropped from the registry; one only late, 5102, is kept)
        // reaches its participants only by the front's replay from the inboxes after it registers again: seconds later.
        var output = deployment.OutputTail(100_000).Split('\n');
        // Each warning with its message (the console logger writes the message on the next line).
        var warnings = output.Select((line, i) => (line, i))
            .Where(l => l.line.StartsWith("warn:", StringComparison.Ordinal) || l.line.StartsWith("fail:", StringComparison.Ordinal) || l.line.StartsWith("crit:", StringComparison.Ordinal))
            .Select(l => l.line.Trim() + " " + string.Join(" | ", output.Skip(l.i + 1).Take(l.line.StartsWith("warn:", StringComparison.Ordinal) ? 1 : 4).Select(m => m.Trim())))
            .ToArray();
        Console.WriteLine($"rally: {warnings.Length} warnings from the Rally processes{(warnings.Length > 0 ? "; by kind, with the first message of each:" : "")}");
        foreach (var kind in warnings.GroupBy(w => w[..w.IndexOf(' ', StringComparison.Ordinal)]).Take(20))
        {
            var first = kind.First();
            Console.WriteLine($"  {kind.Count(),4} × {(first.Length > 700 ? first[..700] + "…" : first)}");
        }

        List<Round> rawRounds;
        await using (var raw = await RawHubProcess.StartAsync())
        {
            rawRounds = await RunRawAsync(raw, payload, options);
            PrintProbes("raw", rawRounds, [("bench", self.Snapshot), ("raw hub", ProbeFile(probeDirectory, raw.Id))]);
        }

        var result = FanoutResult.Of(options, payload.GetRawText().Length, rallyRounds, rawRounds);
        result.Print();
        Summary.Emit(FanoutSummary.Of(result));
        Console.WriteLine($"load average after: {ProcFs.LoadAverage()}");
        Directory.Delete(probeDirectory, recursive: true);
        return 0;
    }

    /// <summary>Study 0 ends untimed (the warm-up), then study r + 1 in round r; participant i is connected to front i mod F.</summary>
    private static async Task<(List<Round> Rounds, JsonElement Payload)> RunRallyAsync(RallyDeployment deployment, string database, Enrollment enrollment, FanoutOptions options)
    {
        var studies = enrollment.StudyIds;
        var arrivals = studies.Select(_ => new Arrivals(options.Participants)).ToArray();
        var noticeIds = new string?[studies.Length];
        JsonElement payload = default;
        var hubs = deployment.Fronts.Select(f => new Uri(f.BaseAddress, "/hubs/notices")).ToArray();
        var connect = Stopwatch.StartNew();
        var connections = await ConnectAllAsync(options.Participants, i => Build(hubs[i % hubs.Length], enrollment.Tokens[i]), (connection, i) =>
            connection.On<JsonElement>("notice", notice =>
            {
                if (notice.GetProperty("kind").GetString() == "study-ended"
                    && Array.IndexOf(studies, notice.GetProperty("studyId").GetString()) is var study and >= 0)
                {
                    noticeIds[study] ??= notice.GetProperty("id").GetString();
                    if (i == 0 && study == 1)
                    {
                        payload = notice.Clone();
                    }
                    arrivals[study].Arrived(i);
                }
            }));
        Console.WriteLine($"connected {connections.Length} participants to {hubs.Length} Rally fronts in {connect.Elapsed.TotalSeconds:F1} s");

        using var http = deployment.Client();
        var rounds = new List<Round>();
        for (var s = 0; s < studies.Length; s++)
        {
            SettleHeap();
            var from = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            arrivals[s].Start();
            var end = Stopwatch.StartNew();
            await RallyDeployment.SendAsync(http, HttpMethod.Post, RallyDeployment.OperatorKey, $"/v1/studies/{studies[s]}/end", new { });
            var answered = end.Elapsed.TotalMilliseconds;
            var latencies = await arrivals[s].AllAsync(Patience);
            var round = new Round(s, latencies, answered, from, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            var kept = await OutboxesEmptyAsync(database);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"rally {round.Name,-8}: {latencies}   (operator's POST /end answered in {answered:F1} ms: the end and its notice stored; every inbox had it after {end.Elapsed.TotalSeconds - kept.TotalSeconds:F1} s)"));
            // The fan-out's and the fronts' steps for this round's notice, as they logged them (at debug level).
            var output = deployment.OutputTail(100_000).Split('\n');
            foreach (var step in output.Where(l => l.Contains("Notice ", StringComparison.Ordinal) && l.Contains(" at ", StringComparison.Ordinal) && l.Contains(noticeIds[s] ?? "\0", StringComparison.Ordinal)))
            {
                Console.WriteLine("  step: " + step.Trim());
            }
            // Where the tail was: by front (participant i is on front i mod F).
            var late = arrivals[s].Later(Math.Max(1000, 3 * latencies.P50));
            if (late.Length > 0)
            {
                Console.WriteLine($"  {late.Length} arrived later than {Math.Max(1000, 3 * latencies.P50):F0} ms: "
                    + string.Join(", ", late.GroupBy(i => i % hubs.Length).OrderBy(g => g.Key).Select(g => $"{g.Count()} on front{g.Key + 1}")));
            }
            if (s > 0)
            {
                rounds.Add(round);
            }
        }
        await DisposeAllAsync(connections);
        return (rounds, payload);
    }

    private static async Task<List<Round>> RunRawAsync(RawHubProcess raw, JsonElement payload, FanoutOptions options)
    {
        var arrivals = Enumerable.Range(0, options.Rounds + 1).Select(_ => new Arrivals(options.Participants)).ToArray();
        var current = 0;
        var connect = Stopwatch.StartNew();
        var connections = await ConnectAllAsync(options.Participants, _ => Build(raw.HubUrl, null), (connection, i) =>
            connection.On<JsonElement>("notice", _ => arrivals[Volatile.Read(ref current)].Arrived(i)));
        Console.WriteLine($"connected {connections.Length} clients to the raw hub in {connect.Elapsed.TotalSeconds:F1} s");
        var rounds = new List<Round>();
        for (var r = 0; r <= options.Rounds; r++)
        {
            SettleHeap();
            Volatile.Write(ref current, r);
            var from = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            arrivals[r].Start();
            var send = Stopwatch.StartNew();
            await raw.BroadcastAsync(payload);
            var answered = send.Elapsed.TotalMilliseconds;
            var latencies = await arrivals[r].AllAsync(Patience);
            var round = new Round(r, latencies, answered, from, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"raw   {round.Name,-8}: {latencies}   (POST /broadcast answered in {answered:F1} ms)"));
            if (r > 0)
            {
                rounds.Add(round);
            }
        }
        await DisposeAllAsync(connections);
        return rounds;
    }

    /// <summary>
    /// Waits until no study has notices left to deliver (a study's <c>notice-outbox</c> reminder is unregistered once
    /// every inbox has its notices), so that a round does not share the cores with the previous round's 10,000 inbox
    /// writes: the operator's call no longer waits for them. Returns how long ago the last one was seen.
    /// </summary>
    private static async Task<TimeSpan> OutboxesEmptyAsync(string database)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var pending = new NpgsqlCommand("SELECT count(*) FROM rally_reminder WHERE reminder_name = 'notice-outbox'", connection);
        var since = Stopwatch.StartNew();
        var deadline = Stopwatch.StartNew();
        while ((long)(await pending.ExecuteScalarAsync())! > 0)
        {
            if (deadline.Elapsed > Patience)
            {
                throw new TimeoutException($"A study still had notices to deliver {Patience.TotalSeconds} s after the round.");
            }
            since.Restart();
            await Task.Delay(50);
        }
        return since.Elapsed;
    }

    /// <summary>
    /// The benchmark's own full collection before each round, on both sides: its heap holds the setup's garbage and
    /// 10,000 connections, and a blocking gen2 of its own in the middle of a round (2.8 s was seen) would be counted
    /// against whichever side it happened to fall on.
    /// </summary>
    private static void SettleHeap()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
    }

    /// <summary>Each process's GC pauses and thread pool during each round: where a round's tail came from.</summary>
    private static void PrintProbes(string side, List<Round> rounds, IReadOnlyList<(string Name, Func<IReadOnlyList<RuntimeProbe.Sample>> Samples)> processes)
    {
        Thread.Sleep(500); // the probes flush their files every 200 ms
        Console.WriteLine($"{side}: per round and process: GC pause (gen0/gen1/gen2 collections), most work items queued to the thread pool, most threads, longest dispatch delay of a work item");
        var samples = processes.Select(p => (p.Name, Samples: p.Samples())).ToArray();
        foreach (var round in rounds)
        {
            foreach (var (name, list) in samples)
            {
                Console.WriteLine($"  {round.Name,-8} {name,-8} {RuntimeProbe.Between(list, round.FromUnixMs, round.ToUnixMs)}");
            }
        }
    }

    private static Func<IReadOnlyList<RuntimeProbe.Sample>> ProbeFile(string directory, int pid)
    {
        var path = Path.Combine(directory, $"probe-{pid}.csv");
        return () => File.Exists(path) ? RuntimeProbe.Read(path) : [];
    }

    /// <summary>Rally's closed sockets wait out TIME_WAIT on the client side while the raw clients connect: both must fit the port range.</summary>
    private static void CheckEphemeralPorts(int participants)
    {
        const string rangeFile = "/proc/sys/net/ipv4/ip_local_port_range";
        if (!File.Exists(rangeFile))
        {
            return;
        }
        var range = File.ReadAllText(rangeFile).Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray();
        var ports = range[1] - range[0] + 1;
        if (ports < 2 * participants + 2000)
        {
            throw new InvalidOperationException(
                $"The ephemeral port range ({range[0]}-{range[1]}, {rangeFile}) has {ports} ports; {participants} participants need about {2 * participants + 2000} (Rally's sockets in TIME_WAIT while the raw clients connect). Widen it or run fewer --participants.");
        }
    }

    /// <summary>
    /// The machine's file table (<c>/proc/sys/fs/file-nr</c>: in use, free, most) must hold both ends of every connection
    /// about to open, besides what other processes hold: said clearly before connecting rather than as a socket error half-way.
    /// </summary>
    private static void CheckSystemFiles(int connections)
    {
        const string fileNr = "/proc/sys/fs/file-nr";
        if (!File.Exists(fileNr))
        {
            return;
        }
        var f = File.ReadAllText(fileNr).Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries).Select(long.Parse).ToArray();
        var needed = 2L * connections + 4096;
        Console.WriteLine($"system file table: {f[0]} open of at most {f[2]}; {connections} connections need about {needed} more");
        if (f[2] - f[0] < needed)
        {
            throw new InvalidOperationException(
                $"The machine's file table ({fileNr}) has room for {f[2] - f[0]} more files; {connections} connections need about {needed}: raise fs.file-max or run fewer --participants.");
        }
    }

    /// <summary>
    /// WebSockets without the negotiate request: its pooled HTTP connection would stay open beside each WebSocket,
    /// two descriptors a client, and 10,000 clients would pass this machine's hard limit of 20,000 a process.
    /// </summary>
    private static HubConnection Build(Uri url, string? token) =>
        new HubConnectionBuilder()
            .WithUrl(url, HttpTransportType.WebSockets, o =>
            {
                o.SkipNegotiation = true;
                if (token is not null)
                {
                    o.AccessTokenProvider = () => Task.FromResult<string?>(token);
                }
            })
            .Build();

    private static async Task<HubConnection[]> ConnectAllAsync(int count, Func<int, HubConnection> build, Action<HubConnection, int> subscribe)
    {
        CheckSystemFiles(count);
        var connections = new HubConnection[count];
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, ct) =>
        {
            var connection = build(i);
            subscribe(connection, i);
            await connection.StartAsync(ct);
            connections[i] = connection;
        });
        return connections;
    }

    private static async Task DisposeAllAsync(HubConnection[] connections) =>
        await Parallel.ForEachAsync(connections, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (c, _) => await c.DisposeAsync());
}

/// <summary>One round: the arrival times of every receiver, how long the trigger's call took, and when it ran (Unix ms).</summary>
internal sealed record Round(int Index, Latencies Latencies, double AnsweredMs, long FromUnixMs, long ToUnixMs)
{
    public string Name => Index == 0 ? "warm-up" : "round " + Index.ToString(CultureInfo.InvariantCulture);
}
