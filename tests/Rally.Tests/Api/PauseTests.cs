using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Rally.Tests.Infrastructure;

namespace Rally.Tests.Api;

/// <summary>The kill switch (SPEC §3): operators pause an enrolling study and resume it; while paused nothing is collected and nobody enrolls.</summary>
public abstract class PauseCases : RallyCases
{
    private async Task<JsonObject> CardAsync(string studyId) =>
        await (await Api.Anonymous.GetAsync($"/v1/studies/{studyId}")).ShouldBeAsync(HttpStatusCode.OK);

    private async Task<string?> ListedStateAsync(string studyId)
    {
        var listed = await (await Api.Anonymous.GetAsync("/v1/studies")).Content.ReadFromJsonAsync<JsonArray>();
        return (string?)listed!.SingleOrDefault(s => (string?)s!["studyId"] == studyId)?["state"];
    }

    [Fact]
    public async Task A_paused_study_refuses_uploads_and_enrollments_and_stores_nothing_until_resumed()
    {
        using var study = await IngestionScenario.StartAsync(Api);
        var before = study.Event();
        await (await study.UploadAsync(before)).ShouldBeAsync(HttpStatusCode.Accepted);
        await study.ExportWhenStoredAsync(1);

        var paused = await Api.MoveAsync(study.StudyId, "pause");

        Assert.Equal("paused", (string?)paused["state"]);
        Assert.Equal("paused", (string?)(await CardAsync(study.StudyId))["state"]);
        Assert.Equal("paused", await ListedStateAsync(study.StudyId));
        var refused = study.Event();
        await (await study.UploadAsync(refused)).ShouldBeProblemAsync(HttpStatusCode.Conflict, "study-paused");
        var newcomer = await Api.JoinAsync();
        await (await RallyApi.EnrollAsync(newcomer, study.StudyId)).ShouldBeProblemAsync(HttpStatusCode.Conflict, "study-paused");
        // Consenting again is enrolling too: refused, and the enrollment stays as it was.
        await (await RallyApi.EnrollAsync(study.Participant, study.StudyId)).ShouldBeProblemAsync(HttpStatusCode.Conflict, "study-paused");
        Assert.Empty((await (await newcomer.Client.GetAsync("/v1/me")).ShouldBeAsync(HttpStatusCode.OK))["enrollments"]!.AsArray());
        Assert.Single((await (await study.Participant.Client.GetAsync("/v1/me")).ShouldBeAsync(HttpStatusCode.OK))["enrollments"]!.AsArray());

        var resumed = await Api.MoveAsync(study.StudyId, "resume");

        Assert.Equal("enrolling", (string?)resumed["state"]);
        Assert.Equal("enrolling", await ListedStateAsync(study.StudyId));
        // The refused event was never queued: sent again, it is new to the study, and it arrives after the pause's end.
        var accepted = await (await study.UploadAsync(refused)).ShouldBeAsync(HttpStatusCode.Accepted);
        Assert.Equal(1, (int?)accepted["accepted"]);
        Assert.Equal(0, (int?)accepted["duplicates"]);
        var stored = await study.ExportWhenStoredAsync(2);
        Assert.Equal([(string?)before["id"], (string?)refused["id"]], stored.Select(l => (string?)l["id"]));
        await (await RallyApi.EnrollAsync(newcomer, study.StudyId)).ShouldBeAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Pausing_and_resuming_are_idempotent_and_only_for_an_open_study()
    {
        var (studyId, partner) = await Api.EnrollingStudyAsync();

        Assert.Equal("enrolling", (string?)(await Api.MoveAsync(studyId, "resume"))["state"]);
        Assert.Equal("paused", (string?)(await Api.MoveAsync(studyId, "pause"))["state"]);
        Assert.Equal("paused", (string?)(await Api.MoveAsync(studyId, "pause"))["state"]);
        await (await Api.Operator.PostAsync($"/v1/studies/{studyId}/launch", null)).ShouldBeProblemAsync(HttpStatusCode.Conflict, "invalid-transition");
        await (await Api.Operator.PostAsync($"/v1/studies/{studyId}/complete-analysis", null)).ShouldBeProblemAsync(HttpStatusCode.Conflict, "invalid-transition");
        Assert.Equal("enrolling", (string?)(await Api.MoveAsync(studyId, "resume"))["state"]);
        Assert.Equal("enrolling", (string?)(await Api.MoveAsync(studyId, "resume"))["state"]);

        var draft = await RallyApi.DraftAsync(partner.Researcher);
        await (await Api.Operator.PostAsync($"/v1/studies/{draft}/pause", null)).ShouldBeProblemAsync(HttpStatusCode.Conflict, "invalid-transition");
        await (await Api.Operator.PostAsync($"/v1/studies/{draft}/resume", null)).ShouldBeProblemAsync(HttpStatusCode.Conflict, "invalid-transition");
        Assert.Equal("draft", (string?)(await (await partner.Researcher.GetAsync($"/v1/studies/{draft}")).ShouldBeAsync(HttpStatusCode.OK))["state"]);

        await Api.MoveAsync(studyId, "end");
        await (await Api.Operator.PostAsync($"/v1/studies/{studyId}/pause", null)).ShouldBeProblemAsync(HttpStatusCode.Conflict, "invalid-transition");
        await (await Api.Operator.PostAsync($"/v1/studies/{studyId}/resume", null)).ShouldBeProblemAsync(HttpStatusCode.Conflict, "invalid-transition");
        Assert.Equal("ended", (string?)(await CardAsync(studyId))["state"]);
    }

    [Fact]
    public async Task Leaving_a_paused_study_deletes_its_data()
    {
        using var study = await IngestionScenario.StartAsync(Api);
        await (await study.UploadAsync(study.Event(), study.Event())).ShouldBeAsync(HttpStatusCode.Accepted);
        await study.ExportWhenStoredAsync(2);
        await Api.MoveAsync(study.StudyId, "pause");

        var left = await (await study.Participant.Client.DeleteAsync($"/v1/me/enrollments/{study.StudyId}")).ShouldBeAsync(HttpStatusCode.OK);

        Assert.Equal("deleted", (string?)left["dataDeletion"]);
        await RallyApi.DeletionWhenAsync(study.Participant.Client, (string)left["deletionId"]!, "completed");
        Assert.Empty(await study.ExportAsync());
        await (await study.UploadAsync(study.Event())).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-enrolled");
    }

    [Fact]
    public async Task A_paused_study_ends_as_an_enrolling_one_does()
    {
        using var study = await IngestionScenario.StartAsync(Api);
        await (await study.UploadAsync(study.Event())).ShouldBeAsync(HttpStatusCode.Accepted);
        await study.ExportWhenStoredAsync(1);
        await Api.MoveAsync(study.StudyId, "pause");
        // A paused study is still open: its course (an announced end, a new consent) may still be set.
        var endsAt = DateTimeOffset.UtcNow.AddDays(7);
        Assert.Equal("paused", (string?)(await Api.MoveAsync(study.StudyId, "announce-end", new { endsAt }))["state"]);
        await (await study.Partner.Researcher.PutAsJsonAsync($"/v1/studies/{study.StudyId}/consent", new { consentVersion = "2" })).ShouldBeAsync(HttpStatusCode.OK);

        var ended = await Api.MoveAsync(study.StudyId, "end");

        Assert.Equal("ended", (string?)ended["state"]);
        Assert.NotNull(ended["endedAt"]);
        Assert.Equal("ended", await ListedStateAsync(study.StudyId));
        await (await study.UploadAsync(study.Event())).ShouldBeProblemAsync(HttpStatusCode.Conflict, "study-not-enrolling");
        var left = await (await study.Participant.Client.DeleteAsync($"/v1/me/enrollments/{study.StudyId}")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal("locked", (string?)left["dataDeletion"]);
        Assert.Single(await study.ExportAsync());
        Assert.Equal("analysis-complete", (string?)(await Api.MoveAsync(study.StudyId, "complete-analysis"))["state"]);
    }

    [Fact]
    public async Task Only_operators_pause_and_resume_studies()
    {
        var (studyId, partner) = await Api.EnrollingStudyAsync();
        var participant = await Api.JoinAsync();
        await (await RallyApi.EnrollAsync(participant, studyId)).ShouldBeAsync(HttpStatusCode.Created);

        foreach (var move in new[] { "pause", "resume" })
        {
            await (await partner.Researcher.PostAsync($"/v1/studies/{studyId}/{move}", null)).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
            await (await participant.Client.PostAsync($"/v1/studies/{studyId}/{move}", null)).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
            await (await Api.Anonymous.PostAsync($"/v1/studies/{studyId}/{move}", null)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
            await (await Api.Operator.PostAsync($"/v1/studies/no-such-study/{move}", null)).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-found");
        }
        Assert.Equal("enrolling", (string?)(await CardAsync(studyId))["state"]);
    }
}

[Collection(ApiCollection.Name)]
public sealed class PauseTests(ApiFixture fixture) : PauseCases()
{
    protected override Task<RallyApi> ConnectAsync() => Task.FromResult(new RallyApi(fixture));
}

[Collection(PostgresCollection.Name)]
public sealed class PauseOnPostgresTests(PostgresServer postgres, PostgresApiFixture fixture) : PauseCases(), IClassFixture<PostgresApiFixture>
{
    protected override Task<RallyApi> ConnectAsync() => fixture.ConnectAsync(postgres);
}
