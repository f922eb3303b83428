using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Rally.Benchmarks.Infrastructure;
using Rally.Tests.Infrastructure;

namespace Rally.Benchmarks.Fanout;

/// <summary>
/// Live notices at scale: N participants connected over WebSockets to a Rally front (the embedded default, one
/// process, on loopback) and enrolled in the same studies; each round the operator ends one study and the time until
/// every participant has its <c>study-ended</c> notice is measured. Then the same N clients connect to a plain hub in
/// this process and the same payload is broadcast with <c>Clients.All</c>: the baseline.
/// </summary>
internal static class FanoutBenchmark
{
    private const string OperatorKey = "bench-operator-key-0123456789abcdef";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    public static async Task<int> RunAsync(FanoutOptions options)
    {
        Console.WriteLine($"fanout: {options.Participants} participants, {options.Rounds} rounds; load average before: {ProcFs.LoadAverage()}");
        // Thousands of participants join and connect from one address: the benchmark sets limits it never meets.
        await using var api = RallyProcess.StartApi(new Dictionary<string, string>(TestLimits.GenerousEnvironment)
        {
            ["Rally__OperatorKey"] = OperatorKey,
            ["Rally__Cluster__SiloPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["Rally__Cluster__GatewayPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["Logging__LogLevel__Default"] = "Warning",
        });
        using var http = new HttpClient { BaseAddress = api.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        await WaitReadyAsync(api, http);

        var setup = Stopwatch.StartNew();
        var (studyIds, tokens) = await SetUpAsync(http, options);
        Console.WriteLine($"setup: {options.Rounds} studies, {options.Participants} participants joined and enrolled in {setup.Elapsed.TotalSeconds:F1} s");

        var rally = new List<Latencies>();
        JsonElement payload = default;
        var hubUrl = new Uri(api.BaseAddress, "/hubs/notices");
        {
            var arrivals = new Arrivals[options.Rounds];
            for (var r = 0; r < options.Rounds; r++)
            {
                arrivals[r] = new Arrivals(options.Participants);
            }
            var connect = Stopwatch.StartNew();
            var connections = await ConnectAllAsync(options.Participants, i => Build(hubUrl, tokens[i]), (connection, i) =>
                connection.On<JsonElement>("notice", notice =>
                {
                    if (notice.GetProperty("kind").GetString() == "study-ended"
                        && Array.IndexOf(studyIds, notice.GetProperty("studyId").GetString()) is var round and >= 0)
                    {
                        if (i == 0 && round == 0)
                        {
                            payload = notice.Clone();
                        }
                        arrivals[round].Arrived(i);
                    }
                }));
            Console.WriteLine($"connected {connections.Length} participants to Rally in {connect.Elapsed.TotalSeconds:F1} s");
            for (var r = 0; r < options.Rounds; r++)
            {
                arrivals[r].Start();
                var end = Stopwatch.StartNew();
                await SendAsync(http, OperatorKey, $"/v1/studies/{studyIds[r]}/end", new { });
                var answered = end.Elapsed.TotalMilliseconds;
                var latencies = await arrivals[r].AllAsync(Patience);
                rally.Add(latencies);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"rally round {r + 1}: {latencies}   (operator's POST /end answered in {answered:F1} ms)"));
            }
            await DisposeAllAsync(connections);
        }

        var raw = new List<Latencies>();
        await using (var server = await RawBroadcastServer.StartAsync())
        {
            var arrivals = new Arrivals[options.Rounds];
            for (var r = 0; r < options.Rounds; r++)
            {
                arrivals[r] = new Arrivals(options.Participants);
            }
            var round = 0;
            var connections = await ConnectAllAsync(options.Participants, _ => Build(server.HubUrl, null), (connection, i) =>
                connection.On<JsonElement>("notice", _ => arrivals[Volatile.Read(ref round)].Arrived(i)));
            for (var r = 0; r < options.Rounds; r++)
            {
                Volatile.Write(ref round, r);
                arrivals[r].Start();
                await server.BroadcastAsync(payload);
                var latencies = await arrivals[r].AllAsync(Patience);
                raw.Add(latencies);
                Console.WriteLine($"raw   round {r + 1}: {latencies}");
            }
            await DisposeAllAsync(connections);
        }

        var rallyMedian = Median(rally);
        var rawMedian = Median(raw);
        Console.WriteLine();
        Console.WriteLine($"message size: {payload.GetRawText().Length} bytes of JSON");
        Console.WriteLine($"rally (median round): {rallyMedian}");
        Console.WriteLine($"raw   (median round): {rawMedian}");
        var ratio = rallyMedian.P99 / rawMedian.P99;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"p99 ratio rally/raw: {ratio:F2} (goal <= 2.00: {(ratio <= 2 ? "met" : "missed")})"));
        Console.WriteLine($"load average after: {ProcFs.LoadAverage()}");
        Summary.Emit(FanoutSummary.Of(options, rally, raw));
        return 0;
    }

    private static HubConnection Build(Uri url, string? token) =>
        new HubConnectionBuilder()
            .WithUrl(url, HttpTransportType.WebSockets, o =>
            {
                o.SkipNegotiation = token is null;
                if (token is not null)
                {
                    o.AccessTokenProvider = () => Task.FromResult<string?>(token);
                }
            })
            .Build();

    private static async Task<HubConnection[]> ConnectAllAsync(int count, Func<int, HubConnection> build, Action<HubConnection, int> subscribe)
    {
        var connections = new HubConnection[count];
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
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

    private static Latencies Median(List<Latencies> rounds) => rounds.OrderBy(r => r.P99).ElementAt(rounds.Count / 2);

    private static async Task<(string[] StudyIds, string[] Tokens)> SetUpAsync(HttpClient http, FanoutOptions options)
    {
        var partnerId = (string)(await SendAsync(http, OperatorKey, "/v1/partners", new { name = "Benchmark Lab" }))["partnerId"]!;
        var researcherKey = (string)(await SendAsync(http, OperatorKey, $"/v1/partners/{partnerId}/researchers", new { name = "Dr. Bench" }))["key"]!;
        var studyIds = new string[options.Rounds];
        for (var s = 0; s < options.Rounds; s++)
        {
            studyIds[s] = (string)(await SendAsync(http, researcherKey, "/v1/studies", StudyCard()))["studyId"]!;
            await SendAsync(http, OperatorKey, $"/v1/studies/{studyIds[s]}/launch", new { });
        }
        var tokens = new string[options.Participants];
        await Parallel.ForAsync(0, options.Participants, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
        {
            var token = (string)(await SendAsync(http, null, "/v1/participants",
                new { platformConsentVersion = "1.0", residesInUnitedStates = true, ageAtLeast19 = true }))["token"]!;
            foreach (var studyId in studyIds)
            {
                await SendAsync(http, token, "/v1/me/enrollments", new { studyId, consentVersion = "1", shareDemographics = false });
            }
            tokens[i] = token;
        });
        return (studyIds, tokens);
    }

    private static JsonObject StudyCard()
    {
        var (x, y, kid) = StudyKeyPair.NewPublicKey();
        return new JsonObject
        {
            ["name"] = "Fan-out benchmark",
            ["description"] = "A study that ends, to measure how fast its participants hear it.",
            ["dataCollected"] = new JsonArray(new JsonObject { ["type"] = "page-visit", ["description"] = "Pages you visit" }),
            ["whoHasAccess"] = "The benchmark",
            ["howDataIsUsed"] = "To measure live notices",
            ["collectsInPrivateBrowsing"] = false,
            ["consentVersion"] = "1",
            ["encryptionKey"] = new JsonObject { ["kty"] = "EC", ["crv"] = "P-256", ["x"] = x, ["y"] = y, ["kid"] = kid },
            ["addOn"] = new JsonObject { ["id"] = "fanout@rally.test", ["downloadUrl"] = "https://addons.rally.test/fanout.xpi" },
        };
    }

    private static async Task WaitReadyAsync(RallyProcess api, HttpClient http)
    {
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (!await api.IsReadyAsync(http))
        {
            if (api.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"Rally.Api did not become ready:\n{api.Output}");
            }
            await Task.Delay(250);
        }
    }

    private static async Task<JsonObject> SendAsync(HttpClient http, string? bearer, string path, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode is not (HttpStatusCode.OK or HttpStatusCode.Created))
        {
            throw new InvalidOperationException($"POST {path}: {(int)response.StatusCode} {text}");
        }
        return JsonNode.Parse(text)!.AsObject();
    }
}
