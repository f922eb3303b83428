using System.Net;
using System.Text.Json.Nodes;
using Rally.Tests.Infrastructure;

namespace Rally.Tests.Deletions;

/// <summary>The FAQ's promises about leaving, kept in the study's store.</summary>
public abstract class DeletionCases : RallyCases
{
    [Fact]
    public async Task Leaving_an_open_study_deletes_every_event_it_holds_from_that_participant_and_no_other()
    {
        using var study = await IngestionScenario.StartAsync(Api);
        var stayer = await Api.JoinAsync();
        await (await RallyApi.EnrollAsync(stayer, study.StudyId)).ShouldBeAsync(HttpStatusCode.Created);
        await (await study.UploadAsync(study.Event(), study.Event(), study.Event())).ShouldBeAsync(HttpStatusCode.Accepted);
        await (await study.UploadAsync(stayer.Client, study.Event(), study.Event())).ShouldBeAsync(HttpStatusCode.Accepted);
        var before = await study.ExportWhenStoredAsync(5);
        var stayerPseudonym = before.GroupBy(l => (string)l["participant"]!).Single(g => g.Count() == 2).Key;

        var left = await (await study.Participant.Client.DeleteAsync($"/v1/me/enrollments/{study.StudyId}")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal("deleted", (string?)left["dataDeletion"]);
        await RallyApi.DeletionWhenAsync(study.Participant.Client, (string)left["deletionId"]!, "completed");

        var after = await study.ExportAsync();
        Assert.Equal(2, after.Length);
        Assert.All(after, l => Assert.Equal(stayerPseudonym, (string?)l["participant"]));
        await (await study.UploadAsync(study.Event())).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-enrolled");
        var ledger = await (await Api.Operator.GetAsync($"/v1/studies/{study.StudyId}/deletions")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal(3, (long?)Assert.Single(ledger["requests"]!.AsArray())!["deletedEvents"]);
    }

    [Fact]
    public async Task A_participant_who_enrolls_again_after_leaving_keeps_what_it_sends_from_then_on()
    {
        using var study = await IngestionScenario.StartAsync(Api);
        await (await study.UploadAsync(study.Event(), study.Event())).ShouldBeAsync(HttpStatusCode.Accepted);
        await study.ExportWhenStoredAsync(2);
        await LeaveAndEnrollAgainAsync(study);

        var fresh = study.Event();
        await (await study.UploadAsync(fresh)).ShouldBeAsync(HttpStatusCode.Accepted);

        Assert.Equal((string?)fresh["id"], (string?)Assert.Single(await study.ExportWhenStoredAsync(1))["id"]);
    }

    [Fact]
    public async Task An_event_sent_before_leaving_and_again_after_enrolling_again_is_stored_again()
    {
        // The grain remembers what it acknowledged lately to tell resends; that memory is the old enrollment's, whose
        // data is deleted, so the same event sent by the new enrollment is new to the study and stored.
        using var study = await IngestionScenario.StartAsync(Api);
        var kept = study.Event();
        await (await study.UploadAsync(kept)).ShouldBeAsync(HttpStatusCode.Accepted);
        var before = Assert.Single(await study.ExportWhenStoredAsync(1));
        await LeaveAndEnrollAgainAsync(study);

        var again = await (await study.UploadAsync(kept)).ShouldBeAsync(HttpStatusCode.Accepted);

        Assert.Equal(1, (int?)again["accepted"]);
        var after = Assert.Single(await study.ExportWhenStoredAsync(1));
        Assert.Equal((string?)kept["id"], (string?)after["id"]);
        Assert.NotEqual((string?)before["participant"], (string?)after["participant"]);
    }

    /// <summary>Leaves the study, waits until its data is deleted (the study then holds none of it), and enrolls again.</summary>
    private static async Task LeaveAndEnrollAgainAsync(IngestionScenario study)
    {
        var left = await (await study.Participant.Client.DeleteAsync($"/v1/me/enrollments/{study.StudyId}")).ShouldBeAsync(HttpStatusCode.OK);
        await RallyApi.DeletionWhenAsync(study.Participant.Client, (string)left["deletionId"]!, "completed");
        Assert.Empty(await study.ExportAsync());
        await (await RallyApi.EnrollAsync(study.Participant, study.StudyId)).ShouldBeAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Data_of_an_ended_study_stays_locked_until_its_analysis_completes_then_all_raw_data_goes()
    {
        using var study = await IngestionScenario.StartAsync(Api);
        var stayer = await Api.JoinAsync();
        await (await RallyApi.EnrollAsync(stayer, study.StudyId)).ShouldBeAsync(HttpStatusCode.Created);
        await (await study.UploadAsync(study.Event(), study.Event())).ShouldBeAsync(HttpStatusCode.Accepted);
        await (await study.UploadAsync(stayer.Client, study.Event("search"))).ShouldBeAsync(HttpStatusCode.Accepted);
        await study.ExportWhenStoredAsync(3);
        await Api.MoveAsync(study.StudyId, "end");

        var left = await (await study.Participant.Client.DeleteAsync($"/v1/me/enrollments/{study.StudyId}")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal("locked", (string?)left["dataDeletion"]);
        Assert.Equal(3, (await study.ExportAsync()).Length);

        await Api.MoveAsync(study.StudyId, "complete-analysis");
        await RallyApi.DeletionWhenAsync(study.Participant.Client, (string)left["deletionId"]!, "completed");

        Assert.Empty(await study.ExportAsync());
        var stats = await (await study.Partner.Researcher.GetAsync($"/v1/studies/{study.StudyId}/stats")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Empty(stats["eventsByType"]!.AsObject());
        Assert.Empty(stats["eventsByDay"]!.AsObject());
    }

    [Fact]
    public async Task Leaving_Rally_deletes_the_participants_data_in_every_open_study()
    {
        using var first = await IngestionScenario.StartAsync(Api);
        using var second = await IngestionScenario.StartAsync(Api);
        var participant = first.Participant;
        await (await RallyApi.EnrollAsync(participant, second.StudyId)).ShouldBeAsync(HttpStatusCode.Created);
        await (await first.UploadAsync(first.Event(), first.Event())).ShouldBeAsync(HttpStatusCode.Accepted);
        await (await second.UploadAsync(participant.Client, second.Event())).ShouldBeAsync(HttpStatusCode.Accepted);
        await (await second.UploadAsync(second.Event())).ShouldBeAsync(HttpStatusCode.Accepted);
        await first.ExportWhenStoredAsync(2);
        await second.ExportWhenStoredAsync(2);

        var left = await (await participant.Client.DeleteAsync("/v1/me")).ShouldBeAsync(HttpStatusCode.Accepted);
        Assert.Equal(2, left["studies"]!.AsArray().Count);

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await first.ExportAsync()).Length > 0 || (await second.ExportAsync()).Length > 1)
        {
            Assert.True(DateTime.UtcNow < deadline, "the participant's events were not deleted");
            await Task.Delay(20);
        }
        Assert.Single(await second.ExportAsync());
        await (await first.UploadAsync(first.Event())).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
    }
}

[Collection(ApiCollection.Name)]
public sealed class DeletionTests(ApiFixture fixture) : DeletionCases()
{
    protected override Task<RallyApi> ConnectAsync() => Task.FromResult(new RallyApi(fixture));
}

[Collection(PostgresCollection.Name)]
public sealed class DeletionOnPostgresTests(PostgresServer postgres, PostgresApiFixture fixture) : DeletionCases(), IClassFixture<PostgresApiFixture>
{
    protected override Task<RallyApi> ConnectAsync() => fixture.ConnectAsync(postgres);
}
