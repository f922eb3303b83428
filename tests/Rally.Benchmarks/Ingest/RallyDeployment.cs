using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Rally.Benchmarks.Infrastructure;
using Rally.Tests.Infrastructure;
using Rally.Tests.Processes;

namespace Rally.Benchmarks.Ingest;

/// <summary>Rally as deployed on PostgreSQL: silo processes and one API front, on loopback, and a study to upload to.</summary>
internal sealed class RallyDeployment : IAsyncDisposable
{
    private const string OperatorKey = "bench-operator-key-0123456789abcdef";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);

    private readonly List<RallyProcess> _processes = [];

    private RallyDeployment()
    {
    }

    public RallyProcess Api { get; private set; } = null!;

    public int ApiPid { get; private set; }

    public IReadOnlyList<int> SiloPids { get; private set; } = [];

    /// <summary>
    /// Starts the silos and the API front in PostgreSQL mode and waits until each answers <c>/health/ready</c>.
    /// Extra settings reach every process as <c>DOTNET_</c>-prefixed variables, which .NET hosts read as
    /// configuration (the tests' process starter passes only its own <c>Rally__</c> variables).
    /// </summary>
    public static async Task<RallyDeployment> StartAsync(string connectionString, BenchmarkOptions options)
    {
        foreach (var (key, value) in options.Settings)
        {
            Environment.SetEnvironmentVariable("DOTNET_" + key.Replace(":", "__", StringComparison.Ordinal), value);
        }
        var deployment = new RallyDeployment();
        try
        {
            for (var i = 0; i < options.Silos; i++)
            {
                deployment._processes.Add(RallyProcess.StartSilo(connectionString));
            }
            deployment.Api = RallyProcess.StartApi(new Dictionary<string, string>
            {
                ["ConnectionStrings__Rally"] = connectionString,
                ["Rally__OperatorKey"] = OperatorKey,
                ["Rally__Pseudonyms__Key"] = TestSecrets.PseudonymKey,
            });
            deployment._processes.Add(deployment.Api);
            await deployment.WaitUntilReadyAsync();
            deployment.SiloPids = ProcFs.OwnChildrenRunning("Rally.Silo.dll");
            deployment.ApiPid = ProcFs.OwnChildrenRunning("Rally.Api.dll").Single();
            if (deployment.SiloPids.Count != options.Silos)
            {
                throw new InvalidOperationException($"Expected {options.Silos} silo processes, found {deployment.SiloPids.Count}.");
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
    /// Launched studies (each with the given key) and <paramref name="participants"/> participants, each enrolled in
    /// every one of them.
    /// </summary>
    /// <returns>The study ids and each participant's bearer token.</returns>
    public async Task<(string[] StudyIds, string[] Tokens)> EnrollingStudiesAsync(StudyKeyPair key, int studies, int participants)
    {
        using var http = new HttpClient { BaseAddress = Api.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        var partnerId = (string)(await SendAsync(http, OperatorKey, "/v1/partners", new { name = "Benchmark Lab" }))["partnerId"]!;
        var researcherKey = (string)(await SendAsync(http, OperatorKey, $"/v1/partners/{partnerId}/researchers", new { name = "Dr. Bench" }))["key"]!;
        var studyIds = new string[studies];
        for (var s = 0; s < studies; s++)
        {
            studyIds[s] = (string)(await SendAsync(http, researcherKey, "/v1/studies", StudyCard(key)))["studyId"]!;
            await SendAsync(http, OperatorKey, $"/v1/studies/{studyIds[s]}/launch", new { });
        }

        var tokens = new string[participants];
        await Parallel.ForAsync(0, participants, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
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

    private static JsonObject StudyCard(StudyKeyPair key) => new()
    {
        ["name"] = "Browsing benchmark",
        ["description"] = "Synthetic page visits uploaded by the ingest benchmark.",
        ["dataCollected"] = new JsonArray(
            new JsonObject { ["type"] = "page-visit", ["description"] = "Pages you visit and for how long" },
            new JsonObject { ["type"] = "search", ["description"] = "Search engine queries" }),
        ["whoHasAccess"] = "The benchmark",
        ["howDataIsUsed"] = "To measure ingestion",
        ["collectsInPrivateBrowsing"] = false,
        ["consentVersion"] = "1",
        ["encryptionKey"] = new JsonObject { ["kty"] = "EC", ["crv"] = "P-256", ["x"] = key.X, ["y"] = key.Y, ["kid"] = key.Kid },
        ["addOn"] = new JsonObject { ["id"] = "bench@rally.test", ["downloadUrl"] = "https://addons.rally.test/bench.xpi" },
    };

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
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + StartTimeout;
        foreach (var process in _processes)
        {
            while (!await process.IsReadyAsync(http))
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
