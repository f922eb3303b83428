using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Rally.Tests.Infrastructure;

/// <summary>A participant made for one test: its id, token and an HTTP client carrying the token.</summary>
public sealed record TestParticipant(Guid Id, string Token, HttpClient Client);

/// <summary>A partner made for one test, with one researcher.</summary>
public sealed record TestPartner(Guid Id, Guid ResearcherId, string ResearcherKey, HttpClient Researcher);

/// <summary>Drives the API as participants, researchers and operators do, each test with its own fresh data.</summary>
public sealed class RallyApi(Func<string?, HttpClient> clients)
{
    public RallyApi(RallyApiFactory factory) : this(factory.CreateClient)
    {
    }

    public RallyApi(ApiFixture fixture) : this(fixture.Factory)
    {
    }

    /// <summary>Clients of a front at <paramref name="address"/> (a real process), the operator's with <see cref="TestSecrets.OperatorKey"/>.</summary>
    public RallyApi(Uri address) : this(token =>
    {
        var client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new("Bearer", token);
        }
        return client;
    })
    {
    }

    public HttpClient Anonymous { get; } = clients(null);

    public HttpClient Operator { get; } = clients(TestSecrets.OperatorKey);

    public HttpClient WithToken(string token) => clients(token);

    public static object JoinBody(string consent = "1.0", bool us = true, bool age = true) =>
        new { platformConsentVersion = consent, residesInUnitedStates = us, ageAtLeast19 = age };

    public async Task<TestParticipant> JoinAsync()
    {
        var response = await Anonymous.PostAsJsonAsync("/v1/participants", JoinBody());
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        var token = (string)body!["token"]!;
        return new TestParticipant(Guid.Parse((string)body["participantId"]!), token, WithToken(token));
    }

    public async Task<TestPartner> NewPartnerAsync(string name = "Test Lab")
    {
        var partner = await Operator.PostAsJsonAsync("/v1/partners", new { name });
        Assert.Equal(HttpStatusCode.Created, partner.StatusCode);
        var partnerId = Guid.Parse((string)(await partner.Content.ReadFromJsonAsync<JsonObject>())!["partnerId"]!);
        var researcher = await Operator.PostAsJsonAsync($"/v1/partners/{partnerId}/researchers", new { name = "Dr. Test" });
        Assert.Equal(HttpStatusCode.Created, researcher.StatusCode);
        var body = (await researcher.Content.ReadFromJsonAsync<JsonObject>())!;
        var key = (string)body["key"]!;
        return new TestPartner(partnerId, Guid.Parse((string)body["researcherId"]!), key, WithToken(key));
    }

    /// <summary>A valid study card; change it with <paramref name="edit"/> to test refusals.</summary>
    public static JsonObject StudyCard(string consentVersion = "1", bool privateBrowsing = false, Action<JsonObject>? edit = null, StudyKeyPair? key = null)
    {
        var (x, y, kid) = key is null ? StudyKeyPair.NewPublicKey() : (key.X, key.Y, key.Kid);
        var card = new JsonObject
        {
            ["name"] = "Search habits",
            ["description"] = "How people search the web.",
            ["dataCollected"] = new JsonArray(
                new JsonObject { ["type"] = "page-visit", ["description"] = "Pages you visit and for how long" },
                new JsonObject { ["type"] = "search", ["description"] = "Search engine queries" }),
            ["whoHasAccess"] = "The study team at Test Lab",
            ["howDataIsUsed"] = "To write a paper on search habits",
            ["collectsInPrivateBrowsing"] = privateBrowsing,
            ["consentVersion"] = consentVersion,
            ["encryptionKey"] = new JsonObject { ["kty"] = "EC", ["crv"] = "P-256", ["x"] = x, ["y"] = y, ["kid"] = kid },
            ["addOn"] = new JsonObject { ["id"] = "search-study@rally.test", ["downloadUrl"] = "https://addons.rally.test/search.xpi" },
        };
        if (privateBrowsing)
        {
            card["privateBrowsingWarning"] = "This study collects data in private windows.";
        }
        edit?.Invoke(card);
        return card;
    }

    public static async Task<string> DraftAsync(HttpClient researcher, JsonObject? card = null)
    {
        var response = await researcher.PostAsJsonAsync("/v1/studies", card ?? StudyCard());
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (string)(await response.Content.ReadFromJsonAsync<JsonObject>())!["studyId"]!;
    }

    /// <summary>A fresh partner's study, launched and enrolling.</summary>
    public async Task<(string StudyId, TestPartner Partner)> EnrollingStudyAsync(JsonObject? card = null)
    {
        var partner = await NewPartnerAsync();
        var studyId = await DraftAsync(partner.Researcher, card);
        await MoveAsync(studyId, "launch");
        return (studyId, partner);
    }

    public async Task<JsonObject> MoveAsync(string studyId, string move, object? body = null)
    {
        var response = await Operator.PostAsJsonAsync($"/v1/studies/{studyId}/{move}", body ?? new { });
        Assert.True(response.IsSuccessStatusCode, $"{move}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    public static async Task<HttpResponseMessage> EnrollAsync(TestParticipant participant, string studyId, string consentVersion = "1", bool share = false, bool? ack = null)
    {
        var body = new JsonObject { ["studyId"] = studyId, ["consentVersion"] = consentVersion, ["shareDemographics"] = share };
        if (ack is not null)
        {
            body["privateBrowsingAcknowledged"] = ack;
        }
        return await participant.Client.PostAsJsonAsync("/v1/me/enrollments", body);
    }

    /// <summary>Deletions are carried out after the answer: waits (polling, with a deadline) until the request has this status.</summary>
    public static async Task<JsonObject> DeletionWhenAsync(HttpClient participant, string deletionId, string status)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var deletion = await (await participant.GetAsync($"/v1/me/deletions/{deletionId}")).ShouldBeAsync(HttpStatusCode.OK);
            if ((string?)deletion["status"] == status)
            {
                return deletion;
            }
            Assert.True(DateTime.UtcNow < deadline, $"deletion {deletionId} stayed {(string?)deletion["status"]}");
            await Task.Delay(20);
        }
    }

    /// <summary>The data-deleted notice of a completed deletion request, as the participant lists it (its id is the request's).</summary>
    public static async Task<JsonNode> DataDeletedNoticeAsync(HttpClient participant, string deletionId)
    {
        var notices = (await (await participant.GetAsync("/v1/me")).ShouldBeAsync(HttpStatusCode.OK))["notices"]!.AsArray();
        var notice = Assert.Single(notices, n => (string?)n!["id"] == deletionId)!;
        Assert.Equal("data-deleted", (string?)notice["kind"]);
        return notice;
    }

    /// <summary>
    /// A study's notices reach the inboxes after its move is answered (pushes go first): waits (polling, with a
    /// deadline) until the participant's inbox holds, and returns it.
    /// </summary>
    public static async Task<JsonArray> InboxWhenAsync(HttpClient participant, Func<JsonArray, bool> holds, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var inbox = (await (await participant.GetAsync("/v1/me")).ShouldBeAsync(HttpStatusCode.OK))["notices"]!.AsArray();
            if (holds(inbox))
            {
                return inbox;
            }
            Assert.True(DateTime.UtcNow < deadline, $"the inbox never held {what}: {inbox.ToJsonString()}");
            await Task.Delay(20);
        }
    }
}
