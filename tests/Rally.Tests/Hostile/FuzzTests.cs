using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Rally.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Rally.Tests.Hostile;

/// <summary>
/// Ten thousand generated hostile requests over every route: hostile ids in paths (NUL, newlines, blanks, traversal,
/// Unicode, overlong), bodies (wrong types, truncated, deeply nested, huge, invalid UTF-8, hostile JWE headers),
/// headers (Accept and Content-Type of every sort, forged and malformed credentials), queries and methods. Each is
/// broken on purpose, so none may change anything: no 5xx, no error logged, and what participants, researchers and
/// the catalogue see is unchanged. It prints what it sent and what came back.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class FuzzTests(ApiFixture fixture, ITestOutputHelper output)
{
    private const int Requests = 10_000;

    /// <summary>Every route: its methods, and which of them reads a body (a broken body is harmless only where one is read).</summary>
    private static readonly (string Path, string[] Methods, string? BodyMethod)[] Routes =
    [
        ("/v1/platform", ["GET"], null), ("/v1/participants", ["POST"], "POST"), ("/v1/me", ["GET", "DELETE"], null),
        ("/v1/me/profile", ["GET", "PUT", "DELETE"], "PUT"), ("/v1/me/enrollments", ["POST"], "POST"), ("/v1/me/enrollments/{study}", ["DELETE", "PATCH"], "PATCH"),
        ("/v1/me/deletions/{guid}", ["GET"], null), ("/v1/me/export", ["GET"], null), ("/.well-known/jwks.json", ["GET"], null), ("/v1/me/notices/{guid}/ack", ["POST"], null), ("/v1/partners", ["POST"], "POST"),
        ("/v1/partners/{guid}", ["GET"], null), ("/v1/partners/{guid}/researchers", ["POST"], "POST"),
        ("/v1/partners/{guid}/researchers/{guid}", ["DELETE"], null), ("/v1/partners/{guid}/researchers/{guid}/rotate", ["POST"], null),
        ("/v1/partners/{guid}/suspend", ["POST"], null), ("/v1/partners/{guid}/reinstate", ["POST"], null), ("/v1/me/token", ["POST"], "POST"),
        ("/v1/me/notices/ticket", ["POST"], null), ("/v1/studies", ["GET", "POST"], "POST"),
        ("/v1/studies/{study}", ["GET"], null), ("/v1/studies/{study}/consent", ["PUT"], "PUT"), ("/v1/studies/{study}/launch", ["POST"], null),
        ("/v1/studies/{study}/pause", ["POST"], null), ("/v1/studies/{study}/resume", ["POST"], null),
        ("/v1/studies/{study}/announce-end", ["POST"], "POST"), ("/v1/studies/{study}/end", ["POST"], null), ("/v1/studies/{study}/deletions", ["GET"], null),
        ("/v1/studies/{study}/complete-analysis", ["POST"], null), ("/v1/studies/{study}/events", ["GET", "POST"], "POST"),
        ("/v1/studies/{study}/stats", ["GET"], null), ("/v1/studies/{study}/audit", ["GET"], null),
        ("/v1/studies/{study}/demographics", ["GET"], null), ("/hubs/notices/negotiate", ["POST"], null),
        ("/v1/panel/representation", ["GET"], null), ("/v1/studies/{study}/releases", ["GET", "POST"], "POST"),
    ];

    private static readonly HttpMethod[] Methods =
        [HttpMethod.Get, HttpMethod.Post, HttpMethod.Put, HttpMethod.Delete, HttpMethod.Patch, HttpMethod.Options, HttpMethod.Head];

    private static readonly string[] HostileIds =
    [
        "%00", "%0A", "%0D%0Ainjected: yes", "%20", "..%2F..%2Fetc%2Fpasswd", "%2e%2e", "ü", "%F0%9F%98%80", "%C0%AF", "%FF%FE",
        new string('a', 5000), "s-" + new string('a', 24) + "-" + new string('a', 16), "-1", "{00000000-0000-0000-0000-000000000000}",
        "null", "undefined", "%25", "a%00b", "study%0A", "00000000-0000-0000-0000-000000000000", "'; DROP TABLE rally_study_events; --",
    ];

    private static readonly string?[] Accepts =
        [null, "text/html", "application/xml", "application/x-ndjson", "*/*;q=0", "garbage", "application/json;q=abc", "image/png, text/*"];

    private static readonly string?[] ContentTypes =
    [
        null, "text/plain", "application/json; charset=nonsense", "application/json; charset=\"utf-8\"", "multipart/form-data",
        "application/x-www-form-urlencoded", "garbage", "application/json; charset=utf-16", "application/json; boundary",
    ];

    [Fact]
    public async Task Hostile_requests_are_refused_with_4xx_and_change_nothing()
    {
        var logs = new CapturedLogs();
        await using var front = RallyApiFactory.Start(fixture.Cluster, services: s => s.AddLogging(l => l.AddProvider(logs).AddFilter<CapturedLogs>(null, LogLevel.Warning)));
        var api = new RallyApi(front);
        using var world = await World.MakeAsync(api, stored: true);
        var before = await SnapshotAsync(world);
        var random = new Random(20_261_130);
        var sent = new Dictionary<string, int>();
        var answered = new SortedDictionary<int, int>();
        var failures = new List<string>();

        for (var i = 0; i < Requests; i++)
        {
            var (request, kind) = Make(world, random);
            using (request)
            {
                sent[kind] = sent.GetValueOrDefault(kind) + 1;
                using var client = front.CreateClient(null);
                using var response = await client.SendAsync(request);
                var status = (int)response.StatusCode;
                answered[status] = answered.GetValueOrDefault(status) + 1;
                var readOnly = IsReadOnly(request.Method, request.RequestUri!.AbsolutePath);
                if (status >= 500 || (status < 400 && !readOnly))
                {
                    failures.Add($"{kind}: {request.Method} {request.RequestUri} → {status} {Truncate(await response.Content.ReadAsStringAsync())}");
                }
            }
        }

        output.WriteLine($"Sent {Requests} requests. By ingredient: " + string.Join(", ", sent
            .SelectMany(s => s.Key.Split('+').Select(k => (k, s.Value))).GroupBy(k => k.k).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => $"{g.Key} {g.Sum(x => x.Value)}")));
        output.WriteLine("Answered: " + string.Join(", ", answered.Select(a => $"{a.Key} × {a.Value}")));
        var errors = logs.Entries.Where(e => e.StartsWith("Error", StringComparison.Ordinal) || e.StartsWith("Critical", StringComparison.Ordinal)).ToArray();
        output.WriteLine($"Logged at Error or above: {errors.Length}");
        Assert.True(failures.Count == 0, $"{failures.Count} hostile requests were served or failed:\n" + string.Join("\n", failures.Take(20)));
        Assert.True(errors.Length == 0, string.Join("\n", errors.Take(5)));
        Assert.DoesNotContain(logs.Entries, e => e.Contains("injected: yes", StringComparison.Ordinal) && e.Contains('\n', StringComparison.Ordinal));
        Assert.Equal(before, await SnapshotAsync(world));
    }

    /// <summary>
    /// One hostile request. A request that could change something (any method but GET, HEAD and OPTIONS, and the hub's
    /// negotiate, which only reads) carries a genuine credential only when it is broken where the route must look:
    /// a hostile id in its path, or a broken body or content type on a route that reads a body.
    /// </summary>
    private static (HttpRequestMessage Request, string Kind) Make(World world, Random random)
    {
        var (route, methods, bodyMethod) = Routes[random.Next(Routes.Length)];
        var kinds = new List<string>();
        var hasId = route.Contains('{', StringComparison.Ordinal);
        var hostileId = hasId && random.Next(3) == 0;
        var path = route
            .Replace("{study}", hostileId ? Pick(random, HostileIds) : world.Open, StringComparison.Ordinal)
            .Replace("{guid}", hostileId ? Pick(random, HostileIds) : Guid.NewGuid().ToString(), StringComparison.Ordinal);
        if (hostileId)
        {
            kinds.Add("hostile id");
        }
        if (random.Next(4) == 0)
        {
            path += Pick(random, ["?after=garbage", "?limit=-1", "?limit=99999999999999", "?after=%00", "?after=1-2", "?limit=abc&limit=2", "?" + new string('x', 3000),
                "?by=races,%00&studyId=%0A", "?by=ageRange,gender&by=zipCode", "?studyId=" + new string('s', 3000)]);
            kinds.Add("hostile query");
        }
        var method = random.Next(6) == 0 ? Pick(random, Methods) : new HttpMethod(Pick(random, methods));
        if (!methods.Contains(method.Method))
        {
            kinds.Add("wrong method");
        }
        if (route.StartsWith("/hubs/", StringComparison.Ordinal) && random.Next(2) == 0)
        {
            path += (path.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "access_token=" + Uri.EscapeDataString(
                Pick(random, ["rt_", "rt_" + Guid.NewGuid().ToString("N") + "_1_" + new string('_', 45), world.ParticipantA.Token, "%00"]));
            kinds.Add("hostile query");
        }
        var request = new HttpRequestMessage(method, path);

        var body = random.Next(2) == 0 ? HostileBody(random, world) : null;
        var brokenContentType = body is not null && random.Next(3) == 0;
        var readOnly = IsReadOnly(method, route);
        // An id such as %2e%2e is a dot segment once decoded: the client (and Kestrel) resolve it, and the request lands,
        // unbroken, on another route (DELETE /v1/me/enrollments/%2e%2e is DELETE /v1/me/). Only an id that stays in the
        // path breaks the route it was meant for.
        var idStays = hostileId && new Uri(new Uri("http://rally.test"), path).AbsolutePath.StartsWith(route[..route.IndexOf('{', StringComparison.Ordinal)], StringComparison.Ordinal);
        var broken = idStays || !methods.Contains(method.Method) || (method.Method == bodyMethod && body is not null);
        var credential = random.Next(6) switch
        {
            0 => null,
            1 when readOnly || broken => Pick(random, [world.ParticipantA.Token, world.A.ResearcherKey, TestSecrets.OperatorKey]),
            2 => $"rp_{Guid.NewGuid():N}_{Guid.NewGuid():N}",
            3 => $"rr_{Guid.NewGuid():N}_{Guid.NewGuid():N}",
            4 => Pick(random, ["", "x", new string('a', 10_000), "rp_%00", "rp_" + new string('0', 32) + "_", "bearer", "rp_%C3%BC_%C3%BC",
                "rt_", "rt_" + new string('0', 32) + "_", "rt_" + new string('0', 32) + "_99999999999999999999_" + new string('_', 45), "rt_x_1_a_b"]),
            _ => "not-a-token-" + random.Next(),
        };
        var genuine = credential == world.ParticipantA.Token || credential == world.A.ResearcherKey || credential == TestSecrets.OperatorKey;
        if (credential is not null)
        {
            kinds.Add(genuine ? "genuine credential" : "forged credential");
            request.Headers.TryAddWithoutValidation("Authorization", random.Next(8) == 0 ? "Basic " + credential : "Bearer " + credential);
        }
        else
        {
            kinds.Add("anonymous");
        }
        if (body is { } content)
        {
            request.Content = new ByteArrayContent(content.Bytes);
            kinds.Add(content.Kind);
            var type = brokenContentType ? Pick(random, ContentTypes) : "application/json";
            if (type is not null)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", type);
            }
            if (brokenContentType)
            {
                kinds.Add("hostile content type");
            }
        }
        if (Pick(random, Accepts) is { } accept)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
            kinds.Add("odd accept");
        }
        return (request, string.Join("+", kinds.Order(StringComparer.Ordinal)));
    }

    private static (byte[] Bytes, string Kind, bool Broken)? HostileBody(Random random, World world) => random.Next(12) switch
    {
        0 => (Encoding.UTF8.GetBytes("{\"events\": ["), "truncated json", true),
        1 => (Encoding.UTF8.GetBytes(new string('[', 2000) + new string(']', 2000)), "deep json", true),
        2 => (Encoding.UTF8.GetBytes($"{{\"name\":\"{new string('x', 400_000)}\"}}"), "huge value", true),
        3 => ([0xC3, 0x28, 0x7B, 0xFF, 0xFE], "invalid utf-8", true),
        4 => (Encoding.UTF8.GetBytes("null"), "null body", true),
        5 => (Encoding.UTF8.GetBytes("[1,2,3]"), "array body", true),
        6 => (Encoding.UTF8.GetBytes("{\"studyId\":123,\"consentVersion\":[],\"gender\":{}}"), "wrong types", true),
        7 => (Encoding.UTF8.GetBytes("{\"unknown\":true,\"__proto__\":{\"admin\":true}}"), "unknown fields", true),
        8 => (Encoding.UTF8.GetBytes(HostileUpload(world, random).ToJsonString()), "hostile jwe header", true),
        9 => (Encoding.UTF8.GetBytes("{\"events\":[{\"id\":\"x\",\"type\":\"page-visit\\n\",\"collectedAt\":\"0001-01-01T00:00:00Z\",\"privateWindow\":\"no\",\"payload\":\"a.b.c.d.e\"}]}"), "hostile event", true),
        10 => (Encoding.UTF8.GetBytes("{\"platformConsentVersion\":\"1.0\",\"residesInUnitedStates\":\"yes\",\"ageAtLeast19\":1}"), "join of wrong types", true),
        _ => (Encoding.UTF8.GetBytes("{\"consentVersion\":\"v\\u0000\\n\",\"name\":\"\\ud800\"}"), "control characters", true),
    };

    /// <summary>An upload to the open study whose JWE header carries a readable extra, or is not JSON at all.</summary>
    private static JsonObject HostileUpload(World world, Random random)
    {
        var jwe = world.Key.Encrypt("{}").Split('.');
        var header = Pick(random, [
            """{"alg":"ECDH-ES","enc":"A256GCM","x-note":"alice@example.com"}""",
            """{"alg":"ECDH-ES","alg":"none","enc":"A256GCM"}""",
            """{"alg":"ECDH-ES","enc":"A256GCM","crit":["exp"]}""",
            "not json",
            new string('{', 500),
        ]);
        jwe[0] = Convert.ToBase64String(Encoding.UTF8.GetBytes(header)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return new JsonObject
        {
            ["events"] = new JsonArray(new JsonObject
            {
                ["id"] = Guid.NewGuid().ToString(),
                ["type"] = "page-visit",
                ["collectedAt"] = DateTimeOffset.UtcNow.ToString("O"),
                ["privateWindow"] = false,
                ["payload"] = string.Join('.', jwe),
            }),
        };
    }

    /// <summary>What the world's callers see; a hostile request must change none of it.</summary>
    private static async Task<string> SnapshotAsync(World world)
    {
        var parts = new[]
        {
            await world.ParticipantA.Client.GetStringAsync("/v1/me"),
            await world.ParticipantA.Client.GetStringAsync("/v1/me/profile"),
            await world.ParticipantB.Client.GetStringAsync("/v1/me"),
            await world.A.Researcher.GetStringAsync($"/v1/studies/{world.Open}/events"),
            await world.A.Researcher.GetStringAsync($"/v1/studies/{world.Open}/demographics"),
            await world.A.Researcher.GetStringAsync($"/v1/studies/{world.Open}"),
            await world.A.Researcher.GetStringAsync($"/v1/studies/{world.Draft}"),
            // When a key was last used is meant to change as the fuzz uses it; nothing else of the partner may.
            WithoutLastUse(await world.Api.Operator.GetStringAsync($"/v1/partners/{world.A.Id}")),
            await world.Api.Operator.GetStringAsync($"/v1/studies/{world.Open}/deletions"),
            // A hostile request publishes no release (which would spend the study's budget).
            await world.Api.Anonymous.GetStringAsync($"/v1/studies/{world.Open}/releases"),
        };
        return string.Join("\n", parts);
    }

    /// <summary>Safe methods, and the two posts that change nothing: negotiating with the hub and taking a hub ticket.</summary>
    private static bool IsReadOnly(HttpMethod method, string path) =>
        method == HttpMethod.Get || method == HttpMethod.Head || method == HttpMethod.Options
        || path.StartsWith("/hubs/", StringComparison.Ordinal) || path == "/v1/me/notices/ticket";

    private static string WithoutLastUse(string partner)
    {
        var json = JsonNode.Parse(partner)!;
        foreach (var researcher in json["researcherKeys"]?.AsArray() ?? [])
        {
            researcher!.AsObject().Remove("lastUsedAt");
        }
        return json.ToJsonString();
    }

    private static T Pick<T>(Random random, T[] items) => items[random.Next(items.Length)];

    private static string Truncate(string text) => text.Length > 300 ? text[..300] : text;
}
