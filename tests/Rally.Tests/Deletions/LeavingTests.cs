using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Rally.Tests.Infrastructure;

namespace Rally.Tests.Deletions;

public abstract class LeavingCases : RallyCases
{
    [Fact]
    public async Task Leaving_an_open_study_stops_the_enrollment_and_requests_deletion()
    {
        var (studyId, _) = await Api.EnrollingStudyAsync();
        var participant = await Api.JoinAsync();
        await (await RallyApi.EnrollAsync(participant, studyId)).ShouldBeAsync(HttpStatusCode.Created);

        var left = await (await participant.Client.DeleteAsync($"/v1/me/enrollments/{studyId}")).ShouldBeAsync(HttpStatusCode.OK);

        Assert.Equal("deleted", (string?)left["dataDeletion"]);
        var deletionId = (string)left["deletionId"]!;
        Assert.Empty((await (await participant.Client.GetAsync("/v1/me")).ShouldBeAsync(HttpStatusCode.OK))["enrollments"]!.AsArray());
        var deletion = await (await participant.Client.GetAsync($"/v1/me/deletions/{deletionId}")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal(studyId, (string?)deletion["studyId"]);
        Assert.True((string?)deletion["status"] is "pending" or "completed");
        Assert.NotNull(deletion["requestedAt"]);
        await (await participant.Client.DeleteAsync($"/v1/me/enrollments/{studyId}")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-enrolled");

        var completed = await RallyApi.DeletionWhenAsync(participant.Client, deletionId, "completed");
        Assert.NotNull(completed["completedAt"]);
        var notice = Assert.Single((await (await participant.Client.GetAsync("/v1/me")).ShouldBeAsync(HttpStatusCode.OK))["notices"]!.AsArray())!;
        Assert.Equal("data-deleted", (string?)notice["kind"]);
        Assert.Equal(studyId, (string?)notice["studyId"]);
        Assert.Equal(HttpStatusCode.NoContent, (await participant.Client.PostAsync($"/v1/me/notices/{(string)notice["id"]!}/ack", null)).StatusCode);
        Assert.Empty((await (await participant.Client.GetAsync("/v1/me")).ShouldBeAsync(HttpStatusCode.OK))["notices"]!.AsArray());
        await (await participant.Client.PostAsync($"/v1/me/notices/{(string)notice["id"]!}/ack", null)).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task Leaving_an_ended_study_locks_the_data_until_its_analysis_completes()
    {
        var (studyId, _) = await Api.EnrollingStudyAsync();
        var participant = await Api.JoinAsync();
        await (await RallyApi.EnrollAsync(participant, studyId)).ShouldBeAsync(HttpStatusCode.Created);
        await Api.MoveAsync(studyId, "end");

        var left = await (await participant.Client.DeleteAsync($"/v1/me/enrollments/{studyId}")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal("locked", (string?)left["dataDeletion"]);
        var path = $"/v1/me/deletions/{(string)left["deletionId"]!}";
        Assert.Equal("locked", (string?)(await (await participant.Client.GetAsync(path)).ShouldBeAsync(HttpStatusCode.OK))["status"]);

        await Api.MoveAsync(studyId, "complete-analysis");

        var completed = await RallyApi.DeletionWhenAsync(participant.Client, (string)left["deletionId"]!, "completed");
        Assert.NotNull(completed["completedAt"]);
        var ledger = await (await Api.Operator.GetAsync($"/v1/studies/{studyId}/deletions")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.NotNull(ledger["droppedAt"]);
        Assert.Equal("completed", (string?)Assert.Single(ledger["requests"]!.AsArray())!["status"]);
        Assert.DoesNotContain(participant.Id.ToString(), ledger.ToJsonString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task The_notice_of_data_deleted_on_leaving_an_open_study_names_the_study_by_its_name()
    {
        var (studyId, _) = await Api.EnrollingStudyAsync(RallyApi.StudyCard(edit: card => card["name"] = "News diet"));
        var participant = await Api.JoinAsync();
        await (await RallyApi.EnrollAsync(participant, studyId)).ShouldBeAsync(HttpStatusCode.Created);

        var left = await (await participant.Client.DeleteAsync($"/v1/me/enrollments/{studyId}")).ShouldBeAsync(HttpStatusCode.OK);
        await RallyApi.DeletionWhenAsync(participant.Client, (string)left["deletionId"]!, "completed");

        AssertNamesTheStudy(await RallyApi.DataDeletedNoticeAsync(participant.Client, (string)left["deletionId"]!), studyId, "News diet");
    }

    [Fact]
    public async Task The_notice_of_locked_data_deleted_when_the_analysis_completes_names_the_study_by_its_name()
    {
        var (studyId, _) = await Api.EnrollingStudyAsync(RallyApi.StudyCard(edit: card => card["name"] = "Evening reading"));
        var participant = await Api.JoinAsync();
        await (await RallyApi.EnrollAsync(participant, studyId)).ShouldBeAsync(HttpStatusCode.Created);
        await Api.MoveAsync(studyId, "end");
        var left = await (await participant.Client.DeleteAsync($"/v1/me/enrollments/{studyId}")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal("locked", (string?)left["dataDeletion"]);

        await Api.MoveAsync(studyId, "complete-analysis");
        await RallyApi.DeletionWhenAsync(participant.Client, (string)left["deletionId"]!, "completed");

        AssertNamesTheStudy(await RallyApi.DataDeletedNoticeAsync(participant.Client, (string)left["deletionId"]!), studyId, "Evening reading");
    }

    /// <summary>A participant reads the study by its card's name; its id (<c>s-…</c>, a MAC) is for clients, in <c>studyId</c>.</summary>
    private static void AssertNamesTheStudy(JsonNode notice, string studyId, string name)
    {
        Assert.Equal(studyId, (string?)notice["studyId"]);
        var message = (string)notice["message"]!;
        Assert.Contains($"'{name}'", message, StringComparison.Ordinal);
        Assert.DoesNotContain(studyId, message, StringComparison.Ordinal);
        Assert.DoesNotContain("s-", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_participant_cannot_look_up_another_participants_deletion()
    {
        var (studyId, _) = await Api.EnrollingStudyAsync();
        var alice = await Api.JoinAsync();
        var bob = await Api.JoinAsync();
        await (await RallyApi.EnrollAsync(alice, studyId)).ShouldBeAsync(HttpStatusCode.Created);
        var left = await (await alice.Client.DeleteAsync($"/v1/me/enrollments/{studyId}")).ShouldBeAsync(HttpStatusCode.OK);

        await (await bob.Client.GetAsync($"/v1/me/deletions/{(string)left["deletionId"]!}")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-found");
        await (await alice.Client.GetAsync($"/v1/me/deletions/{Guid.NewGuid()}")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task Leaving_Rally_leaves_every_study_deletes_the_profile_and_revokes_the_token_at_once()
    {
        var (openStudy, _) = await Api.EnrollingStudyAsync();
        var (endedStudy, _) = await Api.EnrollingStudyAsync();
        var participant = await Api.JoinAsync();
        var bystander = await Api.JoinAsync();
        await (await RallyApi.EnrollAsync(participant, openStudy)).ShouldBeAsync(HttpStatusCode.Created);
        await (await RallyApi.EnrollAsync(participant, endedStudy)).ShouldBeAsync(HttpStatusCode.Created);
        await (await RallyApi.EnrollAsync(bystander, openStudy)).ShouldBeAsync(HttpStatusCode.Created);
        await (await participant.Client.PutAsJsonAsync("/v1/me/profile", new JsonObject { ["gender"] = "female" })).ShouldBeAsync(HttpStatusCode.OK);
        await Api.MoveAsync(endedStudy, "end");

        var left = await (await participant.Client.DeleteAsync("/v1/me")).ShouldBeAsync(HttpStatusCode.Accepted);

        Assert.Equal("left", (string?)left["status"]);
        Assert.True((bool?)left["profileDeleted"]);
        var outcomes = left["studies"]!.AsArray().ToDictionary(s => (string)s!["studyId"]!, s => (string)s!["dataDeletion"]!);
        Assert.Equal("deleted", outcomes[openStudy]);
        Assert.Equal("locked", outcomes[endedStudy]);
        Assert.All(left["studies"]!.AsArray(), s => Assert.True(Guid.TryParse((string?)s!["deletionId"], out _)));

        await (await participant.Client.GetAsync("/v1/me")).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        await (await participant.Client.GetAsync("/v1/me/profile")).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        await (await RallyApi.EnrollAsync(participant, openStudy)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        await (await participant.Client.DeleteAsync("/v1/me")).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");

        var bystanderEnrollments = (await (await bystander.Client.GetAsync("/v1/me")).ShouldBeAsync(HttpStatusCode.OK))["enrollments"]!.AsArray();
        Assert.Equal(openStudy, (string?)Assert.Single(bystanderEnrollments)!["studyId"]);
    }

    [Fact]
    public async Task An_enrollment_keeps_its_pseudonym_through_re_consent_and_a_new_enrollment_gets_an_unlinked_one()
    {
        using var study = await IngestionScenario.StartAsync(Api);
        await (await study.UploadAsync(study.Event())).ShouldBeAsync(HttpStatusCode.Accepted);
        var first = (string)Assert.Single(await study.ExportWhenStoredAsync(1))["participant"]!;

        // A new consent version, consented to again: the same enrollment, under the same name.
        await (await study.Partner.Researcher.PutAsJsonAsync($"/v1/studies/{study.StudyId}/consent", new JsonObject { ["consentVersion"] = "2" })).ShouldBeAsync(HttpStatusCode.OK);
        await (await RallyApi.EnrollAsync(study.Participant, study.StudyId, consentVersion: "2")).ShouldBeAsync(HttpStatusCode.OK);
        await (await study.UploadAsync(study.Event())).ShouldBeAsync(HttpStatusCode.Accepted);
        Assert.All(await study.ExportWhenStoredAsync(2), l => Assert.Equal(first, (string?)l["participant"]));

        // Left (its data deleted) and enrolled again: a new name, and nothing under the old one.
        var left = await (await study.Participant.Client.DeleteAsync($"/v1/me/enrollments/{study.StudyId}")).ShouldBeAsync(HttpStatusCode.OK);
        await RallyApi.DeletionWhenAsync(study.Participant.Client, (string)left["deletionId"]!, "completed");
        await (await RallyApi.EnrollAsync(study.Participant, study.StudyId, consentVersion: "2")).ShouldBeAsync(HttpStatusCode.Created);
        var again = study.Event();
        await (await study.UploadAsync(again)).ShouldBeAsync(HttpStatusCode.Accepted);
        var line = Assert.Single(await study.ExportWhenStoredAsync(1));
        Assert.Equal((string?)again["id"], (string?)line["id"]);
        var second = (string)line["participant"]!;
        Assert.NotEqual(first, second);
        Assert.Equal(first.Length, second.Length);
        Assert.DoesNotContain(study.Participant.Id.ToString("N"), second, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Leaving_Rally_with_no_open_study_answers_200()
    {
        var participant = await Api.JoinAsync();

        var left = await (await participant.Client.DeleteAsync("/v1/me")).ShouldBeAsync(HttpStatusCode.OK);

        Assert.Empty(left["studies"]!.AsArray());
        await (await participant.Client.GetAsync("/v1/me")).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
    }
}

[Collection(ApiCollection.Name)]
public sealed class LeavingTests(ApiFixture fixture) : LeavingCases()
{
    protected override Task<RallyApi> ConnectAsync() => Task.FromResult(new RallyApi(fixture));
}

[Collection(PostgresCollection.Name)]
public sealed class LeavingOnPostgresTests(PostgresServer postgres, PostgresApiFixture fixture) : LeavingCases(), IClassFixture<PostgresApiFixture>
{
    protected override Task<RallyApi> ConnectAsync() => fixture.ConnectAsync(postgres);
}
