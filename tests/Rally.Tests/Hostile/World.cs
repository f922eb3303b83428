using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Rally.Tests.Infrastructure;

namespace Rally.Tests.Hostile;

/// <summary>
/// Everything every route can be called on, made fresh through the API: partner A (its researcher) with an enrolling
/// study, a draft and an ended study; partner B (its researcher); participant A, enrolled in the open study with a profile,
/// an upload, a completed deletion and its notice; participant B, joined only.
/// </summary>
internal sealed class World : IDisposable
{
    private World(RallyApi api, StudyKeyPair key)
    {
        Api = api;
        Key = key;
    }

    public RallyApi Api { get; }

    public StudyKeyPair Key { get; }

    public TestPartner A { get; private set; } = null!;

    public TestPartner B { get; private set; } = null!;

    /// <summary>A partner suspended by operators: its researcher's key is refused everywhere.</summary>
    public TestPartner Suspended { get; private set; } = null!;

    public TestParticipant ParticipantA { get; private set; } = null!;

    public TestParticipant ParticipantB { get; private set; } = null!;

    public string Open { get; private set; } = "";

    public string Draft { get; private set; } = "";

    public string Ended { get; private set; } = "";

    public string DeletionId { get; private set; } = "";

    public string NoticeId { get; private set; } = "";

    /// <summary>A fresh world; with <paramref name="stored"/>, once the participant's upload is stored (the stream delivers it after the answer).</summary>
    public static async Task<World> MakeAsync(RallyApi api, bool stored = false)
    {
        var world = new World(api, new StudyKeyPair());
        await world.FillAsync(stored);
        return world;
    }

    private async Task FillAsync(bool stored)
    {
        A = await Api.NewPartnerAsync("Lab A");
        B = await Api.NewPartnerAsync("Lab B");
        Suspended = await Api.NewPartnerAsync("Lab C");
        await (await Api.Operator.PostAsync($"/v1/partners/{Suspended.Id}/suspend", null)).ShouldBeAsync(HttpStatusCode.OK);
        Open = await RallyApi.DraftAsync(A.Researcher, RallyApi.StudyCard(key: Key));
        await Api.MoveAsync(Open, "launch");
        Draft = await RallyApi.DraftAsync(A.Researcher);
        Ended = await RallyApi.DraftAsync(A.Researcher);
        await Api.MoveAsync(Ended, "launch");
        await Api.MoveAsync(Ended, "end");
        var left = await RallyApi.DraftAsync(A.Researcher);
        await Api.MoveAsync(left, "launch");

        ParticipantA = await Api.JoinAsync();
        ParticipantB = await Api.JoinAsync();
        await (await RallyApi.EnrollAsync(ParticipantA, left)).ShouldBeAsync(HttpStatusCode.Created);
        var leaving = await (await ParticipantA.Client.DeleteAsync($"/v1/me/enrollments/{left}")).ShouldBeAsync(HttpStatusCode.OK);
        DeletionId = (string)leaving["deletionId"]!;
        await RallyApi.DeletionWhenAsync(ParticipantA.Client, DeletionId, "completed");
        var me = await (await ParticipantA.Client.GetAsync("/v1/me")).ShouldBeAsync(HttpStatusCode.OK);
        NoticeId = (string)me["notices"]![0]!["id"]!;

        await (await RallyApi.EnrollAsync(ParticipantA, Open)).ShouldBeAsync(HttpStatusCode.Created);
        await (await ParticipantA.Client.PutAsJsonAsync("/v1/me/profile", new JsonObject { ["gender"] = "neither" })).ShouldBeAsync(HttpStatusCode.OK);
        await (await ParticipantA.Client.PostAsJsonAsync($"/v1/studies/{Open}/events", Upload())).ShouldBeAsync(HttpStatusCode.Accepted);
        if (stored)
        {
            await Eventually.HoldsAsync(async () => (await A.Researcher.GetStringAsync($"/v1/studies/{Open}/events")).Length > 0, "the upload to be stored", []);
        }
    }

    /// <summary>A valid upload to the open study.</summary>
    public JsonObject Upload() => new()
    {
        ["events"] = new JsonArray(new JsonObject
        {
            ["id"] = Guid.NewGuid().ToString(),
            ["type"] = "page-visit",
            ["collectedAt"] = DateTimeOffset.UtcNow.AddMinutes(-1).ToString("O"),
            ["privateWindow"] = false,
            ["payload"] = Key.Encrypt("""{"url":"https://example.test/"}"""),
        }),
    };

    public void Dispose() => Key.Dispose();
}
