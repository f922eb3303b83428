using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Orleans.Runtime;
using Rally.Tests.Infrastructure;

namespace Rally.Tests.Notices;

/// <summary>What enrolled participants hear when operators pause and resume their study, and that a pause does not stop its announced end.</summary>
[Collection(NoticesCollection.Name)]
public sealed class PauseNoticeTests(NoticesFixture fixture)
{
    private readonly RallyApi _api = new(fixture.FrontA);

    private async Task<(string StudyId, TestParticipant Participant)> EnrolledAsync()
    {
        var (studyId, _) = await _api.EnrollingStudyAsync();
        var participant = await _api.JoinAsync();
        await (await RallyApi.EnrollAsync(participant, studyId)).ShouldBeAsync(HttpStatusCode.Created);
        return (studyId, participant);
    }

    /// <summary>The inbox once it holds the notice (it is written after the push).</summary>
    private static Task<JsonArray> InboxWithAsync(TestParticipant participant, JsonElement notice) =>
        RallyApi.InboxWhenAsync(participant.Client, inbox => inbox.Any(n => (string?)n!["id"] == notice.GetProperty("id").GetString()), $"notice {notice}");

    private async Task<string?> StateAsync(string studyId) =>
        (string?)(await (await _api.Anonymous.GetAsync($"/v1/studies/{studyId}")).ShouldBeAsync(HttpStatusCode.OK))["state"];

    [Fact]
    public async Task Enrolled_participants_hear_a_pause_and_a_resume_live_and_find_the_latest_in_their_inbox()
    {
        var (studyId, participant) = await EnrolledAsync();
        var other = await _api.JoinAsync();
        await (await RallyApi.EnrollAsync(other, studyId)).ShouldBeAsync(HttpStatusCode.Created);
        await using var listener = await NoticeListener.ConnectAsync(fixture.FrontA, participant.Token);
        await using var elsewhere = await NoticeListener.ConnectAsync(fixture.FrontB, other.Token);

        await _api.MoveAsync(studyId, "pause");

        var paused = await listener.WaitForAsync("study-paused", studyId);
        await elsewhere.WaitForAsync("study-paused", studyId);
        Assert.Contains("paused", paused.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(["id", "kind", "studyId", "message", "endsAt", "at"], paused.EnumerateObject().Select(p => p.Name));
        Assert.Contains(await InboxWithAsync(participant, paused), n => (string?)n!["kind"] == "study-paused");

        // Pausing again changes nothing and tells nobody anything new.
        await _api.MoveAsync(studyId, "pause");
        await _api.MoveAsync(studyId, "resume");

        var resumed = await listener.WaitForAsync("study-resumed", studyId);
        await elsewhere.WaitForAsync("study-resumed", studyId);
        Assert.Contains("resumed", resumed.GetProperty("message").GetString(), StringComparison.Ordinal);
        // Pushes to one connection arrive in order: a second pause notice would have come before the resume's.
        Assert.Single(listener.Received, n => NoticeListener.Is(n, "study-paused", studyId));
        // The inbox keeps the study's newest word on the matter: it runs again.
        var inbox = await InboxWithAsync(participant, resumed);
        Assert.Contains(inbox, n => (string?)n!["id"] == resumed.GetProperty("id").GetString() && (string?)n["kind"] == "study-resumed");
        Assert.DoesNotContain(inbox, n => (string?)n!["kind"] == "study-paused");
    }

    [Fact]
    public async Task Notices_of_a_pause_missed_while_offline_are_pushed_on_connecting()
    {
        var (studyId, participant) = await EnrolledAsync();

        await _api.MoveAsync(studyId, "pause");

        await using var listener = await NoticeListener.ConnectAsync(fixture.FrontB, participant.Token);
        var missed = await listener.WaitForAsync("study-paused", studyId);
        await InboxWithAsync(participant, missed);
    }

    [Fact]
    public async Task An_announced_end_still_comes_on_time_while_the_study_is_paused()
    {
        var (studyId, participant) = await EnrolledAsync();
        await using var listener = await NoticeListener.ConnectAsync(fixture.FrontA, participant.Token);
        var endsAt = fixture.Clock.GetUtcNow().AddMinutes(30);
        await _api.MoveAsync(studyId, "announce-end", new { endsAt });
        await _api.MoveAsync(studyId, "pause");
        var paused = await listener.WaitForAsync("study-paused", studyId);
        Assert.Equal(endsAt, paused.GetProperty("endsAt").GetDateTimeOffset());

        fixture.Clock.Advance(TimeSpan.FromMinutes(30));

        var ended = await listener.WaitForAsync("study-ended", studyId);
        Assert.Equal(endsAt, ended.GetProperty("endsAt").GetDateTimeOffset());
        Assert.Equal("ended", await StateAsync(studyId));
        await (await _api.Operator.PostAsync($"/v1/studies/{studyId}/resume", null)).ShouldBeProblemAsync(HttpStatusCode.Conflict, "invalid-transition");
    }

    [Fact]
    public async Task A_far_announced_end_is_carried_out_by_the_reminder_while_the_study_is_paused()
    {
        var (studyId, participant) = await EnrolledAsync();
        await using var listener = await NoticeListener.ConnectAsync(fixture.FrontA, participant.Token);
        // Beyond the timer's horizon: only the reminder is set, and pausing must not cancel it.
        var endsAt = fixture.Clock.GetUtcNow().AddHours(3);
        await _api.MoveAsync(studyId, "announce-end", new { endsAt });
        await _api.MoveAsync(studyId, "pause");
        var study = fixture.Cluster.Client.GetGrain<IRemindable>(GrainId.Create("study", studyId));

        await study.ReceiveReminder("scheduled-end", default);
        Assert.Equal("paused", await StateAsync(studyId));

        fixture.Clock.Advance(TimeSpan.FromHours(3));
        await study.ReceiveReminder("scheduled-end", default);

        await listener.WaitForAsync("study-ended", studyId);
        Assert.Equal("ended", await StateAsync(studyId));
    }
}
