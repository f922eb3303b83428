using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Rally.Tests.Infrastructure;

namespace Rally.Tests.Api;

[Collection(ApiCollection.Name)]
public sealed class EnrollmentTests(ApiFixture fixture)
{
    private readonly RallyApi _api = new(fixture);

    [Fact]
    public async Task Enrolling_with_the_current_consent_creates_an_enrollment_once()
    {
        var (studyId, _) = await _api.EnrollingStudyAsync();
        var participant = await _api.JoinAsync();

        var created = await (await RallyApi.EnrollAsync(participant, studyId, share: true)).ShouldBeAsync(HttpStatusCode.Created);
        var again = await (await RallyApi.EnrollAsync(participant, studyId, share: true)).ShouldBeAsync(HttpStatusCode.OK);

        Assert.Equal(studyId, (string?)created["studyId"]);
        Assert.Equal((string?)created["enrolledAt"], (string?)again["enrolledAt"]);
        var enrollments = (await (await participant.Client.GetAsync("/v1/me")).ShouldBeAsync(HttpStatusCode.OK))["enrollments"]!.AsArray();
        var enrollment = Assert.Single(enrollments)!;
        Assert.Equal(studyId, (string?)enrollment["studyId"]);
        Assert.Equal("1", (string?)enrollment["consentVersion"]);
        Assert.False((bool?)enrollment["needsReconsent"]);
        Assert.True((bool?)enrollment["shareDemographics"]);
    }

    [Fact]
    public async Task Enrolling_with_an_old_consent_version_is_refused()
    {
        var (studyId, _) = await _api.EnrollingStudyAsync();
        var participant = await _api.JoinAsync();

        await (await RallyApi.EnrollAsync(participant, studyId, consentVersion: "0")).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, "consent-version-mismatch");

        Assert.Empty((await (await participant.Client.GetAsync("/v1/me")).ShouldBeAsync(HttpStatusCode.OK))["enrollments"]!.AsArray());
    }

    [Fact]
    public async Task Drafts_and_unknown_studies_cannot_be_joined()
    {
        var partner = await _api.NewPartnerAsync();
        var draft = await RallyApi.DraftAsync(partner.Researcher);
        var participant = await _api.JoinAsync();

        await (await RallyApi.EnrollAsync(participant, draft)).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-found");
        await (await RallyApi.EnrollAsync(participant, "no-such-study")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task An_ended_study_no_longer_enrolls()
    {
        var (studyId, _) = await _api.EnrollingStudyAsync();
        await _api.MoveAsync(studyId, "end");
        var participant = await _api.JoinAsync();

        await (await RallyApi.EnrollAsync(participant, studyId)).ShouldBeProblemAsync(HttpStatusCode.Conflict, "study-not-enrolling");
    }

    [Fact]
    public async Task A_study_collecting_in_private_windows_needs_the_warning_acknowledged()
    {
        var (studyId, _) = await _api.EnrollingStudyAsync(RallyApi.StudyCard(privateBrowsing: true));
        var participant = await _api.JoinAsync();

        var card = await (await _api.Anonymous.GetAsync($"/v1/studies/{studyId}")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.True((bool?)card["collectsInPrivateBrowsing"]);
        Assert.False(string.IsNullOrWhiteSpace((string?)card["privateBrowsingWarning"]));

        await (await RallyApi.EnrollAsync(participant, studyId)).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, "private-browsing-not-acknowledged");
        await (await RallyApi.EnrollAsync(participant, studyId, ack: false)).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, "private-browsing-not-acknowledged");
        await (await RallyApi.EnrollAsync(participant, studyId, ack: true)).ShouldBeAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task A_new_consent_version_asks_enrolled_participants_to_consent_again()
    {
        var (studyId, partner) = await _api.EnrollingStudyAsync();
        var participant = await _api.JoinAsync();
        await (await RallyApi.EnrollAsync(participant, studyId)).ShouldBeAsync(HttpStatusCode.Created);

        var updated = await (await partner.Researcher.PutAsJsonAsync($"/v1/studies/{studyId}/consent", new JsonObject
        {
            ["consentVersion"] = "2",
            ["dataCollected"] = new JsonArray(new JsonObject { ["type"] = "page-visit", ["description"] = "Pages and time spent" }),
        })).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal("2", (string?)updated["consentVersion"]);
        Assert.Single(updated["dataCollected"]!.AsArray());

        var enrollment = (await (await participant.Client.GetAsync("/v1/me")).ShouldBeAsync(HttpStatusCode.OK))["enrollments"]![0]!;
        Assert.True((bool?)enrollment["needsReconsent"]);
        Assert.Equal("1", (string?)enrollment["consentVersion"]);

        await (await RallyApi.EnrollAsync(participant, studyId, consentVersion: "1")).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, "consent-version-mismatch");
        var reconsented = await (await RallyApi.EnrollAsync(participant, studyId, consentVersion: "2")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.False((bool?)reconsented["needsReconsent"]);
        enrollment = (await (await participant.Client.GetAsync("/v1/me")).ShouldBeAsync(HttpStatusCode.OK))["enrollments"]![0]!;
        Assert.False((bool?)enrollment["needsReconsent"]);
        Assert.Equal("2", (string?)enrollment["consentVersion"]);
    }

    [Fact]
    public async Task A_consent_version_cannot_be_published_twice()
    {
        var (studyId, partner) = await _api.EnrollingStudyAsync();

        var response = await partner.Researcher.PutAsJsonAsync($"/v1/studies/{studyId}/consent", new JsonObject { ["consentVersion"] = "1" });

        await response.ShouldBeProblemAsync(HttpStatusCode.Conflict, "already-exists");
    }

    [Fact]
    public async Task Malformed_enrollments_are_refused()
    {
        var participant = await _api.JoinAsync();

        await (await participant.Client.PostJsonTextAsync("/v1/me/enrollments", """{"consentVersion":"1"}""")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-request");
        await (await participant.Client.PostJsonTextAsync("/v1/me/enrollments", """{"studyId":"x","consentVersion":"1","shareDemographics":"yes"}""")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-request");
    }
}
