using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Rally.Tests.Infrastructure;

namespace Rally.Benchmarks.Infrastructure;

/// <summary>The studies and participants a benchmark set up through the API, with the credentials to act as each.</summary>
internal sealed record Enrollment(string ResearcherKey, string[] StudyIds, Guid[] ParticipantIds, string[] Tokens);

/// <summary>Rally as deployed on PostgreSQL: silo processes and one API front, on loopback, and the API calls that set up a run.</summary>
internal sealed class RallyDeployment : IAsyncDisposable
{
    /// <summary>The operator's key every benchmark deployment is started with.</summary>
    public const string OperatorKey = "bench-operator-key-0123456789abcdef";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);

    /// <summary>A readiness probe answers in milliseconds on a quiet machine; on a busy one a starting silo took over 5 s (a slow answer, not a failure).</summary>
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(30);

    private readonly List<RallyProcess> _processes = [];
    private readonly List<RallyProcess> _silos = [];
    private readonly string _connectionString;

    private RallyDeployment(string connectionString)
    {
        _connectionString = connectionString;
    }

    /// <summary>The silo processes; one replaced (<see cref="ReplaceSiloAsync"/>) takes its predecessor's place.</summary>
    public IReadOnlyList<RallyProcess> Silos => _silos;

    /// <summary>The first API front: the one the setup and the operator's calls go to unless said otherwise.</summary>
    public RallyProcess Api { get; private set; } = null!;

    /// <summary>Every API front (Client mode, each a client of the same silos); the first is <see cref="Api"/>.</summary>
    public IReadOnlyList<RallyProcess> Fronts { get; private set; } = [];

    public int ApiPid { get; private set; }

    public IReadOnlyList<int> SiloPids { get; private set; } = [];

    /// <summary>
    /// Starts the silos and the API front in PostgreSQL mode and waits until each answers <c>/health/ready</c>.
    /// Extra settings reach every process as <c>DOTNET_</c>-prefixed variables, which .NET hosts read as
    /// configuration (the tests' process starter passes only its own <c>Rally__</c> variables).
    /// </summary>
    public static async Task<RallyDeployment> StartAsync(string connectionString, int silos, IReadOnlyList<KeyValuePair<string, string>> settings, int fronts = 1)
    {
        foreach (var (key, value) in settings)
        {
            Environment.SetEnvironmentVariable("DOTNET_" + key.Replace(":", "__", StringComparison.Ordinal), value);
        }
        var deployment = new RallyDeployment(connectionString);
        try
        {
            for (var i = 0; i < silos; i++)
            {
                deployment._silos.Add(RallyProcess.StartSilo(connectionString));
            }
            deployment._processes.AddRange(deployment._silos);
            deployment.Fronts = [.. Enumerable.Range(0, fronts).Select(_ =>
                RallyProcess.StartFront(connectionString, new Dictionary<string, string> { ["Rally__OperatorKey"] = OperatorKey }))];
            deployment.Api = deployment.Fronts[0];
            deployment._processes.AddRange(deployment.Fronts);
            await deployment.WaitUntilReadyAsync();
            deployment.SiloPids = ProcFs.OwnChildrenRunning("Rally.Silo.dll");
            deployment.ApiPid = deployment.Api.Id;
            if (deployment.SiloPids.Count != silos)
            {
                throw new InvalidOperationException($"Expected {silos} silo processes, found {deployment.SiloPids.Count}.");
            }
            return deployment;
        }
        catch
        {
            await deployment.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// A partner, a researcher, launched studies (each with the given key) and <paramref name="participants"/>
    /// participants, each enrolled in every one of them; participant i joins and enrolls through front i mod the
    /// number of fronts, <paramref name="parallelism"/> participants at a time.
    /// </summary>
    public async Task<Enrollment> EnrollingStudiesAsync(StudyKeyPair key, int studies, int participants, int parallelism = 8)
    {
        using var http = Client();
        var clients = Fronts.Select(f => f == Api ? http : new HttpClient { BaseAddress = f.BaseAddress, Timeout = http.Timeout }).ToArray();
        var partnerId = (string)(await SendAsync(http, HttpMethod.Post, OperatorKey, "/v1/partners", new { name = "Benchmark Lab" }))["partnerId"]!;
        var researcherKey = (string)(await SendAsync(http, HttpMethod.Post, OperatorKey, $"/v1/partners/{partnerId}/researchers", new { name = "Dr. Bench" }))["key"]!;
        var studyIds = new string[studies];
        for (var s = 0; s < studies; s++)
        {
            studyIds[s] = (string)(await SendAsync(http, HttpMethod.Post, researcherKey, "/v1/studies", StudyCard(key)))["studyId"]!;
            await SendAsync(http, HttpMethod.Post, OperatorKey, $"/v1/studies/{studyIds[s]}/launch", new { });
        }

        var participantIds = new Guid[participants];
        var tokens = new string[participants];
        await Parallel.ForAsync(0, participants, new ParallelOptions { MaxDegreeOfParallelism = parallelism }, async (i, _) =>
        {
            var front = clients[i % clients.Length];
            var joined = await SendAsync(front, HttpMethod.Post, null, "/v1/participants",
                new { platformConsentVersion = "1.0", residesInUnitedStates = true, ageAtLeast19 = true });
            var token = (string)joined["token"]!;
            foreach (var studyId in studyIds)
            {
                await SendAsync(front, HttpMethod.Post, token, "/v1/me/enrollments", new { studyId, consentVersion = "1", shareDemographics = false });
            }
            participantIds[i] = Guid.Parse((string)joined["participantId"]!);
            tokens[i] = token;
        });
        foreach (var other in clients.Where(c => c != http))
        {
            other.Dispose();
        }
        return new Enrollment(researcherKey, studyIds, participantIds, tokens);
    }

    /// <summary>An HTTP client of the API front, with a timeout that bounds every call.</summary>
    public HttpClient Client() => new() { BaseAddress = Api.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>
    /// Calls the API as <paramref name="bearer"/> (anonymously when null) with an optional JSON body; anything but a
    /// 2xx answer is an error.
    /// </summary>
    /// <returns>The JSON answer, or an empty object when there is none.</returns>
    public static async Task<JsonNode> SendAsync(HttpClient http, HttpMethod method, string? bearer, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{method} {path}: {(int)response.StatusCode} {text}");
        }
        return text.Length == 0 ? new JsonObject() : JsonNode.Parse(text)!;
    }

    private static JsonObject StudyCard(StudyKeyPair key) => new()
    {
        ["name"] = "Browsing benchmark",
        ["description"] = "Synthetic page visits uploaded by Rally's benchmarks.",
        ["dataCollected"] = new JsonArray(
            new JsonObject { ["type"] = "page-visit", ["description"] = "Pages you visit and for how long" },
            new JsonObject { ["type"] = "search", ["description"] = "Search engine queries" }),
        ["whoHasAccess"] = "The benchmark",
        ["howDataIsUsed"] = "To measure Rally",
        ["collectsInPrivateBrowsing"] = false,
        ["consentVersion"] = "1",
        ["encryptionKey"] = new JsonObject { ["kty"] = "EC", ["crv"] = "P-256", ["x"] = key.X, ["y"] = key.Y, ["kid"] = key.Kid },
        ["addOn"] = new JsonObject { ["id"] = "bench@rally.test", ["downloadUrl"] = "https://addons.rally.test/bench.xpi" },
    };

    /// <summary>Starts a new silo in the place of silo <paramref name="index"/> (killed or stopped before) and waits until it answers <c>/health/ready</c>.</summary>
    public async Task ReplaceSiloAsync(int index)
    {
        var silo = RallyProcess.StartSilo(_connectionString);
        // Before the front in the list, so that disposing stops the front first.
        _processes.Insert(0, silo);
        _silos[index] = silo;
        using var http = new HttpClient { Timeout = ProbeTimeout };
        await WaitUntilReadyAsync(http, silo, DateTime.UtcNow + StartTimeout);
    }

    /// <summary>The last <paramref name="lines"/> lines each process printed.</summary>
    public string OutputTail(int lines) => string.Join("\n", _processes.Select(p =>
        $"--- process on port {p.HttpPort} ---\n" + string.Join("\n", p.Output.Split('\n').TakeLast(lines))));

    public async ValueTask DisposeAsync()
    {
        // The front first, so that nothing is left publishing to silos that are going away.
        foreach (var process in Enumerable.Reverse(_processes))
        {
            await process.DisposeAsync();
        }
    }

    private async Task WaitUntilReadyAsync()
    {
        using var http = new HttpClient { Timeout = ProbeTimeout };
        var deadline = DateTime.UtcNow + StartTimeout;
        foreach (var process in _processes)
        {
            await WaitUntilReadyAsync(http, process, deadline);
        }
    }

    /// <summary>A probe that timed out (a process still starting on a busy machine) is not ready yet, rather than an error.</summary>
    private static async Task<bool> IsReadyAsync(HttpClient http, RallyProcess process)
    {
        try
        {
            return await process.IsReadyAsync(http);
        }
        catch (TaskCanceledException)
        {
            return false;
        }
    }

    private async Task WaitUntilReadyAsync(HttpClient http, RallyProcess process, DateTime deadline)
    {
        while (!await IsReadyAsync(http, process))
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException(
                    $"A Rally process (port {process.HttpPort}) did not become ready:\n{OutputTail(40)}");
            }
            await Task.Delay(250);
        }
    }
}
