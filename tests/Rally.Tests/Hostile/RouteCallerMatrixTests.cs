using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Rally.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Rally.Tests.Hostile;

/// <summary>
/// Every operation of the served OpenAPI document, called by every kind of caller, each on a fresh <see cref="World"/>:
/// the answer must be the one the hand-written table below says (not derived from the document's <c>security</c>).
/// A new route without a row, or a row without a route, fails the test.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class RouteCallerMatrixTests(ApiFixture fixture, ITestOutputHelper output)
{
    /// <summary>The callers, in the order of the table's columns.</summary>
    private static readonly string[] Callers = ["anonymous", "participant A", "participant B", "researcher A", "researcher B", "operator", "suspended researcher"];

    /// <summary>
    /// Expected status by operation and caller (columns as <see cref="Callers"/>). Participant A owns what is the
    /// participant's and is enrolled in the open study; researcher A's partner owns the studies; B's are strangers; the
    /// suspended partner's researcher holds a key that is refused.
    /// </summary>
    private static readonly Dictionary<string, int[]> Expected = new()
    {
        ["getPlatform"] = [200, 200, 200, 200, 200, 200, 200],
        ["joinRally"] = [201, 201, 201, 201, 201, 201, 201],
        ["getMe"] = [401, 200, 200, 403, 403, 403, 401],
        ["leaveRally"] = [401, 202, 200, 403, 403, 403, 401],
        ["getProfile"] = [401, 200, 404, 403, 403, 403, 401],
        ["putProfile"] = [401, 200, 200, 403, 403, 403, 401],
        ["deleteProfile"] = [401, 204, 204, 403, 403, 403, 401],
        ["enrollInStudy"] = [401, 200, 201, 403, 403, 403, 401],
        ["leaveStudy"] = [401, 200, 404, 403, 403, 403, 401],
        ["setEnrollmentSharing"] = [401, 200, 404, 403, 403, 403, 401],
        ["getDeletion"] = [401, 200, 404, 403, 403, 403, 401],
        ["exportMyData"] = [401, 200, 200, 403, 403, 403, 401],
        ["ackNotice"] = [401, 204, 404, 403, 403, 403, 401],
        ["replaceToken"] = [401, 200, 200, 403, 403, 403, 401],
        ["issueNoticeTicket"] = [401, 200, 200, 403, 403, 403, 401],
        ["createPartner"] = [401, 403, 403, 403, 403, 201, 401],
        ["getPartner"] = [401, 403, 403, 403, 403, 200, 401],
        ["createResearcher"] = [401, 403, 403, 403, 403, 201, 401],
        ["revokeResearcher"] = [401, 403, 403, 403, 403, 204, 401],
        ["rotateResearcherKey"] = [401, 403, 403, 403, 403, 200, 401],
        ["suspendPartner"] = [401, 403, 403, 403, 403, 200, 401],
        ["reinstatePartner"] = [401, 403, 403, 403, 403, 200, 401],
        ["listStudies"] = [200, 200, 200, 200, 200, 200, 200],
        ["draftStudy"] = [401, 403, 403, 201, 403, 201, 401],
        ["getStudy"] = [200, 200, 200, 200, 200, 200, 200],
        ["publishConsent"] = [401, 403, 403, 200, 404, 200, 401],
        ["launchStudy"] = [401, 403, 403, 403, 403, 200, 401],
        ["pauseStudy"] = [401, 403, 403, 403, 403, 200, 401],
        ["resumeStudy"] = [401, 403, 403, 403, 403, 200, 401],
        ["announceStudyEnd"] = [401, 403, 403, 403, 403, 200, 401],
        ["endStudy"] = [401, 403, 403, 403, 403, 200, 401],
        ["getDeletionLedger"] = [401, 403, 403, 403, 403, 200, 401],
        ["completeStudyAnalysis"] = [401, 403, 403, 403, 403, 200, 401],
        ["uploadStudyEvents"] = [401, 202, 404, 403, 403, 403, 401],
        ["exportStudyEvents"] = [401, 403, 403, 200, 404, 403, 401],
        ["getStudyStats"] = [401, 403, 403, 200, 404, 200, 401],
        ["getStudyAudit"] = [401, 403, 403, 403, 403, 200, 401],
        ["getSigningKeys"] = [200, 200, 200, 200, 200, 200, 200],
        ["readStudyDemographics"] = [401, 403, 403, 200, 404, 200, 401],
        ["getPanelRepresentation"] = [401, 403, 403, 403, 403, 200, 401],
        ["publishStudyRelease"] = [401, 403, 403, 201, 404, 201, 401],
        ["listStudyReleases"] = [200, 200, 200, 200, 200, 200, 200],
        ["getLiveness"] = [200, 200, 200, 200, 200, 200, 200],
        ["getReadiness"] = [200, 200, 200, 200, 200, 200, 200],
    };

    /// <summary>How each operation is called: method, path and body, in a given world.</summary>
    private static readonly Dictionary<string, (HttpMethod Method, Func<World, string> Path, Func<World, JsonNode?> Body)> Calls = new()
    {
        ["getPlatform"] = (HttpMethod.Get, _ => "/v1/platform", _ => null),
        ["joinRally"] = (HttpMethod.Post, _ => "/v1/participants", _ => JsonNode.Parse("""{"platformConsentVersion":"1.0","residesInUnitedStates":true,"ageAtLeast19":true}""")),
        ["getMe"] = (HttpMethod.Get, _ => "/v1/me", _ => null),
        ["leaveRally"] = (HttpMethod.Delete, _ => "/v1/me", _ => null),
        ["getProfile"] = (HttpMethod.Get, _ => "/v1/me/profile", _ => null),
        ["putProfile"] = (HttpMethod.Put, _ => "/v1/me/profile", _ => new JsonObject { ["gender"] = "decline" }),
        ["deleteProfile"] = (HttpMethod.Delete, _ => "/v1/me/profile", _ => null),
        ["enrollInStudy"] = (HttpMethod.Post, _ => "/v1/me/enrollments", w => new JsonObject { ["studyId"] = w.Open, ["consentVersion"] = "1", ["shareDemographics"] = false }),
        ["leaveStudy"] = (HttpMethod.Delete, w => $"/v1/me/enrollments/{w.Open}", _ => null),
        ["setEnrollmentSharing"] = (HttpMethod.Patch, w => $"/v1/me/enrollments/{w.Open}", _ => new JsonObject { ["shareDemographics"] = true }),
        ["getDeletion"] = (HttpMethod.Get, w => $"/v1/me/deletions/{w.DeletionId}", _ => null),
        ["exportMyData"] = (HttpMethod.Get, _ => "/v1/me/export", _ => null),
        ["ackNotice"] = (HttpMethod.Post, w => $"/v1/me/notices/{w.NoticeId}/ack", _ => null),
        ["createPartner"] = (HttpMethod.Post, _ => "/v1/partners", _ => new JsonObject { ["name"] = "Lab C" }),
        ["getPartner"] = (HttpMethod.Get, w => $"/v1/partners/{w.A.Id}", _ => null),
        ["createResearcher"] = (HttpMethod.Post, w => $"/v1/partners/{w.A.Id}/researchers", _ => new JsonObject { ["name"] = "Ana" }),
        ["revokeResearcher"] = (HttpMethod.Delete, w => $"/v1/partners/{w.A.Id}/researchers/{w.A.ResearcherId}", _ => null),
        ["rotateResearcherKey"] = (HttpMethod.Post, w => $"/v1/partners/{w.A.Id}/researchers/{w.A.ResearcherId}/rotate", _ => null),
        ["suspendPartner"] = (HttpMethod.Post, w => $"/v1/partners/{w.A.Id}/suspend", _ => null),
        ["reinstatePartner"] = (HttpMethod.Post, w => $"/v1/partners/{w.Suspended.Id}/reinstate", _ => null),
        ["issueNoticeTicket"] = (HttpMethod.Post, _ => "/v1/me/notices/ticket", _ => null),
        ["replaceToken"] = (HttpMethod.Post, _ => "/v1/me/token", _ => new JsonObject { ["requestId"] = Guid.NewGuid().ToString() }),
        ["listStudies"] = (HttpMethod.Get, _ => "/v1/studies", _ => null),
        ["draftStudy"] = (HttpMethod.Post, _ => "/v1/studies", w => WithPartner(RallyApi.StudyCard(), w.A.Id)),
        ["getStudy"] = (HttpMethod.Get, w => $"/v1/studies/{w.Open}", _ => null),
        ["publishConsent"] = (HttpMethod.Put, w => $"/v1/studies/{w.Open}/consent", _ => new JsonObject { ["consentVersion"] = "2" }),
        ["launchStudy"] = (HttpMethod.Post, w => $"/v1/studies/{w.Draft}/launch", _ => new JsonObject()),
        ["pauseStudy"] = (HttpMethod.Post, w => $"/v1/studies/{w.Open}/pause", _ => new JsonObject()),
        ["resumeStudy"] = (HttpMethod.Post, w => $"/v1/studies/{w.Open}/resume", _ => new JsonObject()),
        ["announceStudyEnd"] = (HttpMethod.Post, w => $"/v1/studies/{w.Open}/announce-end", _ => new JsonObject { ["endsAt"] = DateTimeOffset.UtcNow.AddDays(7).ToString("O") }),
        ["endStudy"] = (HttpMethod.Post, w => $"/v1/studies/{w.Open}/end", _ => new JsonObject()),
        ["getDeletionLedger"] = (HttpMethod.Get, w => $"/v1/studies/{w.Open}/deletions", _ => null),
        ["completeStudyAnalysis"] = (HttpMethod.Post, w => $"/v1/studies/{w.Ended}/complete-analysis", _ => new JsonObject()),
        ["uploadStudyEvents"] = (HttpMethod.Post, w => $"/v1/studies/{w.Open}/events", w => w.Upload()),
        ["exportStudyEvents"] = (HttpMethod.Get, w => $"/v1/studies/{w.Open}/events", _ => null),
        ["getStudyStats"] = (HttpMethod.Get, w => $"/v1/studies/{w.Open}/stats", _ => null),
        ["getStudyAudit"] = (HttpMethod.Get, w => $"/v1/studies/{w.Open}/audit", _ => null),
        ["getSigningKeys"] = (HttpMethod.Get, _ => "/.well-known/jwks.json", _ => null),
        ["readStudyDemographics"] = (HttpMethod.Get, w => $"/v1/studies/{w.Open}/demographics", _ => null),
        ["getPanelRepresentation"] = (HttpMethod.Get, w => $"/v1/panel/representation?by=ageRange,gender&studyId={w.Open}", _ => null),
        ["publishStudyRelease"] = (HttpMethod.Post, w => $"/v1/studies/{w.Open}/releases", _ => new JsonObject { ["epsilon"] = 0.5 }),
        ["listStudyReleases"] = (HttpMethod.Get, w => $"/v1/studies/{w.Open}/releases", _ => null),
        ["getLiveness"] = (HttpMethod.Get, _ => "/health/live", _ => null),
        ["getReadiness"] = (HttpMethod.Get, _ => "/health/ready", _ => null),
    };

    [Fact]
    public async Task Every_operation_answers_every_caller_as_the_table_says()
    {
        var api = new RallyApi(fixture);
        var served = await OperationsAsync(api.Anonymous);
        Assert.Equal(served.Order(StringComparer.Ordinal), Expected.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(Expected.Keys.Order(StringComparer.Ordinal), Calls.Keys.Order(StringComparer.Ordinal));

        var wrong = new List<string>();
        var table = new StringBuilder();
        foreach (var (operation, expected) in Expected.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            var actual = new int[Callers.Length];
            for (var caller = 0; caller < Callers.Length; caller++)
            {
                using var world = await World.MakeAsync(api);
                var (method, path, body) = Calls[operation];
                using var request = new HttpRequestMessage(method, path(world));
                if (body(world) is { } json)
                {
                    request.Content = JsonContent.Create(json);
                }
                using var response = await Client(world, caller).SendAsync(request);
                actual[caller] = (int)response.StatusCode;
                if (actual[caller] != expected[caller])
                {
                    wrong.Add($"{operation} by {Callers[caller]}: expected {expected[caller]}, got {actual[caller]} {await response.Content.ReadAsStringAsync()}");
                }
            }
            table.AppendLine($"{operation,-24} {string.Join(" ", actual)}");
        }
        output.WriteLine($"{"operation",-24} {string.Join(" | ", Callers)}");
        output.WriteLine(table.ToString());
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    private static HttpClient Client(World world, int caller) => caller switch
    {
        0 => world.Api.Anonymous,
        1 => world.ParticipantA.Client,
        2 => world.ParticipantB.Client,
        3 => world.A.Researcher,
        4 => world.B.Researcher,
        5 => world.Api.Operator,
        _ => world.Suspended.Researcher,
    };

    private static JsonObject WithPartner(JsonObject card, Guid partnerId)
    {
        card["partnerId"] = partnerId.ToString();
        return card;
    }

    private static async Task<List<string>> OperationsAsync(HttpClient anonymous)
    {
        var document = (await anonymous.GetFromJsonAsync<JsonObject>("/openapi/v1.json"))!;
        return [.. document["paths"]!.AsObject()
            .SelectMany(p => p.Value!.AsObject().Where(m => m.Key is "get" or "post" or "put" or "delete" or "patch"))
            .Select(m => (string)m.Value!["operationId"]!)];
    }
}
