using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Rally.Tests.Infrastructure;

namespace Rally.Tests.Demographics;

/// <summary>
/// P8: a study's researchers read a participant's profile only where that participant chose to share it with that
/// study, under the enrollment's pseudonym, and each read reflects the current choices and profiles.
/// </summary>
public abstract class DemographicsCases : RallyCases
{
    private static readonly JsonObject Profile = new()
    {
        ["ageRange"] = "35-44",
        ["gender"] = "female",
        ["hispanicLatinxSpanishOrigin"] = false,
        ["races"] = new JsonArray("korean", "white"),
        ["schoolLevel"] = "graduate-degree",
        ["householdIncomeRange"] = "50000-74999",
        ["zipCode"] = "02139",
    };

    [Fact]
    public async Task A_shared_profile_is_read_under_the_pseudonym_its_events_carry_and_the_read_is_audited()
    {
        using var study = await IngestionScenario.StartAsync(Api);
        var sharer = await JoinWithProfileAsync();
        var keeper = await JoinWithProfileAsync();
        var sharerWithoutProfile = await Api.JoinAsync();
        await (await RallyApi.EnrollAsync(sharer, study.StudyId, share: true)).ShouldBeAsync(HttpStatusCode.Created);
        await (await RallyApi.EnrollAsync(keeper, study.StudyId, share: false)).ShouldBeAsync(HttpStatusCode.Created);
        await (await RallyApi.EnrollAsync(sharerWithoutProfile, study.StudyId, share: true)).ShouldBeAsync(HttpStatusCode.Created);
        await (await study.UploadAsync(sharer.Client, study.Event())).ShouldBeAsync(HttpStatusCode.Accepted);
        var pseudonym = (string)(await study.ExportWhenStoredAsync(1)).Single()["participant"]!;

        var line = Assert.Single(await ReadAsync(study.Partner.Researcher, study.StudyId));

        Assert.Equal(pseudonym, (string?)line["pseudonym"]);
        Assert.Equal(["pseudonym", "profile"], line.Select(p => p.Key));
        Assert.True(JsonNode.DeepEquals(Profile, line["profile"]), line.ToJsonString());
        Assert.DoesNotContain(sharer.Id.ToString(), line.ToJsonString(), StringComparison.OrdinalIgnoreCase);
        Assert.True((bool?)Enrollment(await MeAsync(sharer), study.StudyId)["shareDemographics"]);
        Assert.False((bool?)Enrollment(await MeAsync(keeper), study.StudyId)["shareDemographics"]);

        // Operators may read it too; both reads are in the study's audit, after the export, each with its kind.
        Assert.Single(await ReadAsync(Api.Operator, study.StudyId));
        var audit = await AuditAsync(study.StudyId);
        var demographics = audit.Where(e => (string?)e!["kind"] == "demographics").ToArray();
        Assert.Equal(2, demographics.Length);
        Assert.All(demographics, e => Assert.Equal(1L, (long?)e!["events"]));
        Assert.All(demographics, e => Assert.True((bool?)e!["completed"]));
        Assert.Equal(study.Partner.ResearcherId.ToString(), (string?)demographics[0]!["researcherId"]);
        Assert.Equal(Guid.Empty.ToString(), (string?)demographics[1]!["researcherId"]);
        Assert.Contains(audit, e => (string?)e!["kind"] == "events");
    }

    [Fact]
    public async Task Sharing_can_start_and_stop_after_enrolling()
    {
        var (studyId, partner) = await Api.EnrollingStudyAsync();
        var participant = await JoinWithProfileAsync();
        await (await RallyApi.EnrollAsync(participant, studyId)).ShouldBeAsync(HttpStatusCode.Created);
        Assert.Empty(await ReadAsync(partner.Researcher, studyId));

        var shared = await (await SetSharingAsync(participant, studyId, true)).ShouldBeAsync(HttpStatusCode.OK);
        Assert.True((bool?)shared["shareDemographics"]);
        Assert.Equal(studyId, (string?)shared["studyId"]);
        Assert.True((bool?)Enrollment(await MeAsync(participant), studyId)["shareDemographics"]);
        var line = Assert.Single(await ReadAsync(partner.Researcher, studyId));
        await (await SetSharingAsync(participant, studyId, true)).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal(line.ToJsonString(), Assert.Single(await ReadAsync(partner.Researcher, studyId)).ToJsonString());

        var stopped = await (await SetSharingAsync(participant, studyId, false)).ShouldBeAsync(HttpStatusCode.OK);
        Assert.False((bool?)stopped["shareDemographics"]);
        Assert.False((bool?)Enrollment(await MeAsync(participant), studyId)["shareDemographics"]);
        Assert.Empty(await ReadAsync(partner.Researcher, studyId));

        // Enrolling again states the choice again: sharing, then not.
        await (await RallyApi.EnrollAsync(participant, studyId, share: true)).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal((string?)line["pseudonym"], (string?)Assert.Single(await ReadAsync(partner.Researcher, studyId))["pseudonym"]);
        await (await RallyApi.EnrollAsync(participant, studyId, share: false)).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Empty(await ReadAsync(partner.Researcher, studyId));
    }

    [Fact]
    public async Task A_changed_or_deleted_profile_is_reflected_in_the_next_read()
    {
        var (studyId, partner) = await Api.EnrollingStudyAsync();
        var participant = await JoinWithProfileAsync();
        await (await RallyApi.EnrollAsync(participant, studyId, share: true)).ShouldBeAsync(HttpStatusCode.Created);

        await (await participant.Client.PutAsJsonAsync("/v1/me/profile", new JsonObject { ["ageRange"] = "65+" })).ShouldBeAsync(HttpStatusCode.OK);
        var changed = Assert.Single(await ReadAsync(partner.Researcher, studyId))["profile"]!;
        Assert.Equal("65+", (string?)changed["ageRange"]);
        Assert.Null(changed["zipCode"]);
        Assert.Null(changed["gender"]);

        Assert.Equal(HttpStatusCode.NoContent, (await participant.Client.DeleteAsync("/v1/me/profile")).StatusCode);
        Assert.Empty(await ReadAsync(partner.Researcher, studyId));
        Assert.True((bool?)Enrollment(await MeAsync(participant), studyId)["shareDemographics"]);

        // Still shared: a new profile reaches the study.
        await (await participant.Client.PutAsJsonAsync("/v1/me/profile", new JsonObject { ["gender"] = "decline" })).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal("decline", (string?)Assert.Single(await ReadAsync(partner.Researcher, studyId))["profile"]!["gender"]);
    }

    [Fact]
    public async Task A_profile_is_shared_only_with_the_studies_it_was_shared_with()
    {
        var (sharedWith, partner) = await Api.EnrollingStudyAsync();
        var notSharedWith = await RallyApi.DraftAsync(partner.Researcher);
        await Api.MoveAsync(notSharedWith, "launch");
        var participant = await JoinWithProfileAsync();
        await (await RallyApi.EnrollAsync(participant, sharedWith, share: true)).ShouldBeAsync(HttpStatusCode.Created);
        await (await RallyApi.EnrollAsync(participant, notSharedWith, share: false)).ShouldBeAsync(HttpStatusCode.Created);

        await (await participant.Client.PutAsJsonAsync("/v1/me/profile", Profile)).ShouldBeAsync(HttpStatusCode.OK);

        Assert.Single(await ReadAsync(partner.Researcher, sharedWith));
        Assert.Empty(await ReadAsync(partner.Researcher, notSharedWith));
    }

    [Fact]
    public async Task A_participant_who_left_the_study_is_absent_and_enrolling_again_shares_under_a_new_pseudonym()
    {
        var (studyId, partner) = await Api.EnrollingStudyAsync();
        var participant = await JoinWithProfileAsync();
        await (await RallyApi.EnrollAsync(participant, studyId, share: true)).ShouldBeAsync(HttpStatusCode.Created);
        var before = (string)Assert.Single(await ReadAsync(partner.Researcher, studyId))["pseudonym"]!;

        await (await participant.Client.DeleteAsync($"/v1/me/enrollments/{studyId}")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Empty(await ReadAsync(partner.Researcher, studyId));
        await (await SetSharingAsync(participant, studyId, true)).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-enrolled");

        await (await RallyApi.EnrollAsync(participant, studyId, share: true)).ShouldBeAsync(HttpStatusCode.Created);
        var after = (string)Assert.Single(await ReadAsync(partner.Researcher, studyId))["pseudonym"]!;
        Assert.NotEqual(before, after);
    }

    [Fact]
    public async Task A_participant_who_left_Rally_is_absent_from_every_study_it_shared_with()
    {
        var (open, partner) = await Api.EnrollingStudyAsync();
        var ended = await RallyApi.DraftAsync(partner.Researcher);
        await Api.MoveAsync(ended, "launch");
        var participant = await JoinWithProfileAsync();
        var stays = await JoinWithProfileAsync();
        foreach (var studyId in new[] { open, ended })
        {
            await (await RallyApi.EnrollAsync(participant, studyId, share: true)).ShouldBeAsync(HttpStatusCode.Created);
            await (await RallyApi.EnrollAsync(stays, studyId, share: true)).ShouldBeAsync(HttpStatusCode.Created);
        }
        await Api.MoveAsync(ended, "end");
        Assert.Equal(2, (await ReadAsync(partner.Researcher, ended)).Length);

        await (await participant.Client.DeleteAsync("/v1/me")).ShouldBeAsync(HttpStatusCode.Accepted);

        // Data of an ended study stays locked; the profile shared with it does not.
        Assert.Single(await ReadAsync(partner.Researcher, open));
        Assert.Single(await ReadAsync(partner.Researcher, ended));
    }

    [Fact]
    public async Task Profiles_are_deleted_with_the_raw_data_when_the_analysis_completes()
    {
        var (studyId, partner) = await Api.EnrollingStudyAsync();
        var participant = await JoinWithProfileAsync();
        await (await RallyApi.EnrollAsync(participant, studyId, share: true)).ShouldBeAsync(HttpStatusCode.Created);
        await Api.MoveAsync(studyId, "end");
        Assert.Single(await ReadAsync(partner.Researcher, studyId));

        await Api.MoveAsync(studyId, "complete-analysis");

        Assert.Empty(await ReadAsync(partner.Researcher, studyId));
        await (await participant.Client.PutAsJsonAsync("/v1/me/profile", new JsonObject { ["gender"] = "male" })).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Empty(await ReadAsync(partner.Researcher, studyId));
    }

    [Fact]
    public async Task Only_the_study_s_own_researchers_and_operators_read_its_demographics()
    {
        var (studyId, _) = await Api.EnrollingStudyAsync();
        var stranger = await Api.NewPartnerAsync("Other Lab");
        var participant = await JoinWithProfileAsync();
        await (await RallyApi.EnrollAsync(participant, studyId, share: true)).ShouldBeAsync(HttpStatusCode.Created);

        await (await stranger.Researcher.GetAsync($"/v1/studies/{studyId}/demographics")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-found");
        await (await participant.Client.GetAsync($"/v1/studies/{studyId}/demographics")).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await Api.Anonymous.GetAsync($"/v1/studies/{studyId}/demographics")).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        // The refused reads are not reads: the audit holds none.
        var audit = await AuditAsync(studyId);
        Assert.Empty(audit);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"shareDemographics":"yes"}""")]
    [InlineData("""{"shareDemographics":null}""")]
    [InlineData("""{"shareDemographics":true,"studyId":"x"}""")]
    [InlineData("[true]")]
    public async Task A_bad_sharing_body_is_refused_and_changes_nothing(string body)
    {
        var (studyId, partner) = await Api.EnrollingStudyAsync();
        var participant = await JoinWithProfileAsync();
        await (await RallyApi.EnrollAsync(participant, studyId)).ShouldBeAsync(HttpStatusCode.Created);

        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        await (await participant.Client.PatchAsync($"/v1/me/enrollments/{studyId}", content)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-request");

        Assert.False((bool?)Enrollment(await MeAsync(participant), studyId)["shareDemographics"]);
        Assert.Empty(await ReadAsync(partner.Researcher, studyId));
    }

    [Fact]
    public async Task Sharing_with_a_study_one_is_not_enrolled_in_is_refused()
    {
        var (studyId, _) = await Api.EnrollingStudyAsync();
        var participant = await JoinWithProfileAsync();

        await (await SetSharingAsync(participant, studyId, true)).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-enrolled");
        await (await SetSharingAsync(participant, "s-aaaaaaaaaaaaaaaaaaaaaaaa-aaaaaaaaaaaaaaaa", true)).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-enrolled");
    }

    private async Task<TestParticipant> JoinWithProfileAsync()
    {
        var participant = await Api.JoinAsync();
        await (await participant.Client.PutAsJsonAsync("/v1/me/profile", Profile)).ShouldBeAsync(HttpStatusCode.OK);
        return participant;
    }

    private async Task<JsonArray> AuditAsync(string studyId)
    {
        var response = await Api.Operator.GetAsync($"/v1/studies/{studyId}/audit");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonArray>())!;
    }

    private static Task<HttpResponseMessage> SetSharingAsync(TestParticipant participant, string studyId, bool share) =>
        participant.Client.PatchAsJsonAsync($"/v1/me/enrollments/{studyId}", new JsonObject { ["shareDemographics"] = share });

    private static async Task<JsonObject> MeAsync(TestParticipant participant) =>
        await (await participant.Client.GetAsync("/v1/me")).ShouldBeAsync(HttpStatusCode.OK);

    private static JsonNode Enrollment(JsonObject me, string studyId) =>
        me["enrollments"]!.AsArray().Single(e => (string?)e!["studyId"] == studyId)!;

    /// <summary>The study's demographics as NDJSON lines, as the caller gets them.</summary>
    private static async Task<JsonObject[]> ReadAsync(HttpClient client, string studyId)
    {
        var response = await client.GetAsync($"/v1/studies/{studyId}/demographics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/x-ndjson", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        return [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonNode.Parse(line)!.AsObject())];
    }
}

[Collection(ApiCollection.Name)]
public sealed class DemographicsTests(ApiFixture fixture) : DemographicsCases()
{
    protected override Task<RallyApi> ConnectAsync() => Task.FromResult(new RallyApi(fixture));
}

[Collection(PostgresCollection.Name)]
public sealed class DemographicsOnPostgresTests(PostgresServer postgres, PostgresApiFixture fixture) : DemographicsCases(), IClassFixture<PostgresApiFixture>
{
    protected override Task<RallyApi> ConnectAsync() => fixture.ConnectAsync(postgres);
}
