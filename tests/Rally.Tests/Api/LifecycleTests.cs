using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Rally.Api.Studies;
using Rally.Tests.Infrastructure;

namespace Rally.Tests.Api;

[Collection(ApiCollection.Name)]
public sealed class LifecycleTests(ApiFixture fixture)
{
    private readonly RallyApi _api = new(fixture);

    private async Task<bool> IsListedAsync(string studyId)
    {
        var listed = await (await _api.Anonymous.GetAsync("/v1/studies")).Content.ReadFromJsonAsync<JsonArray>();
        return listed!.Any(s => (string?)s!["studyId"] == studyId);
    }

    [Fact]
    public async Task A_study_runs_from_draft_to_analysis_complete()
    {
        var partner = await _api.NewPartnerAsync();
        var studyId = await RallyApi.DraftAsync(partner.Researcher);
        Assert.Matches(StudyRules.StudyIdPattern, studyId);
        Assert.False(await IsListedAsync(studyId));

        var launched = await _api.MoveAsync(studyId, "launch");
        Assert.Equal("enrolling", (string?)launched["state"]);
        Assert.NotNull(launched["launchedAt"]);
        Assert.True(await IsListedAsync(studyId));

        var endsAt = DateTimeOffset.UtcNow.AddDays(14);
        var announced = await _api.MoveAsync(studyId, "announce-end", new { endsAt });
        Assert.Equal("enrolling", (string?)announced["state"]);
        Assert.Equal(endsAt, DateTimeOffset.Parse((string)announced["endsAt"]!, System.Globalization.CultureInfo.InvariantCulture));

        var ended = await _api.MoveAsync(studyId, "end");
        Assert.Equal("ended", (string?)ended["state"]);
        Assert.True(await IsListedAsync(studyId));

        var complete = await _api.MoveAsync(studyId, "complete-analysis");
        Assert.Equal("analysis-complete", (string?)complete["state"]);
        Assert.NotNull(complete["analysisCompletedAt"]);
        Assert.False(await IsListedAsync(studyId));
        Assert.Equal("analysis-complete", (string?)(await (await _api.Anonymous.GetAsync($"/v1/studies/{studyId}")).ShouldBeAsync(HttpStatusCode.OK))["state"]);
    }

    [Theory]
    [InlineData("end")]
    [InlineData("complete-analysis")]
    [InlineData("announce-end")]
    public async Task A_draft_cannot_skip_ahead(string move)
    {
        var partner = await _api.NewPartnerAsync();
        var studyId = await RallyApi.DraftAsync(partner.Researcher);

        var response = await _api.Operator.PostAsJsonAsync($"/v1/studies/{studyId}/{move}", new { endsAt = DateTimeOffset.UtcNow.AddDays(1) });

        await response.ShouldBeProblemAsync(HttpStatusCode.Conflict, "invalid-transition");
        Assert.Equal("draft", (string?)(await (await partner.Researcher.GetAsync($"/v1/studies/{studyId}")).ShouldBeAsync(HttpStatusCode.OK))["state"]);
    }

    [Fact]
    public async Task Illegal_moves_of_a_running_study_are_refused()
    {
        var (studyId, partner) = await _api.EnrollingStudyAsync();

        await (await _api.Operator.PostAsync($"/v1/studies/{studyId}/launch", null)).ShouldBeProblemAsync(HttpStatusCode.Conflict, "invalid-transition");
        await (await _api.Operator.PostAsync($"/v1/studies/{studyId}/complete-analysis", null)).ShouldBeProblemAsync(HttpStatusCode.Conflict, "invalid-transition");
        await _api.MoveAsync(studyId, "end");
        await (await _api.Operator.PostAsync($"/v1/studies/{studyId}/end", null)).ShouldBeProblemAsync(HttpStatusCode.Conflict, "invalid-transition");
        await (await _api.Operator.PostAsJsonAsync($"/v1/studies/{studyId}/announce-end", new { endsAt = DateTimeOffset.UtcNow.AddDays(1) })).ShouldBeProblemAsync(HttpStatusCode.Conflict, "invalid-transition");
        await (await partner.Researcher.PutAsJsonAsync($"/v1/studies/{studyId}/consent", new { consentVersion = "2" })).ShouldBeProblemAsync(HttpStatusCode.Conflict, "invalid-transition");
    }

    [Fact]
    public async Task An_end_date_must_be_in_the_future()
    {
        var (studyId, _) = await _api.EnrollingStudyAsync();

        var response = await _api.Operator.PostAsJsonAsync($"/v1/studies/{studyId}/announce-end", new { endsAt = DateTimeOffset.UtcNow.AddMinutes(-1) });

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-request");
        Assert.Null((await (await _api.Anonymous.GetAsync($"/v1/studies/{studyId}")).ShouldBeAsync(HttpStatusCode.OK))["endsAt"]);
    }

    [Fact]
    public async Task Only_operators_move_studies_through_their_lifecycle()
    {
        var partner = await _api.NewPartnerAsync();
        var studyId = await RallyApi.DraftAsync(partner.Researcher);
        var participant = await _api.JoinAsync();

        await (await partner.Researcher.PostAsync($"/v1/studies/{studyId}/launch", null)).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await participant.Client.PostAsync($"/v1/studies/{studyId}/launch", null)).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await _api.Anonymous.PostAsync($"/v1/studies/{studyId}/launch", null)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        await (await _api.Operator.PostAsync("/v1/studies/no-such-study/launch", null)).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-found");
        await (await _api.Operator.PostAsync("/v1/studies/Not_An_Id/launch", null)).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-found");
    }
}
