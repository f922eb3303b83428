using System.Net;
using Rally.Tests.Infrastructure;

namespace Rally.Tests.Notices;

/// <summary>
/// A study's move is answered once it and its notice are stored, not once every inbox has the notice: an operator
/// ending a study of many participants is not held for the fan-out, and participants still hear it live first.
/// </summary>
[Collection(NoticesCollection.Name)]
public sealed class OutboxTests(NoticesFixture fixture)
{
    private readonly RallyApi _api = new(fixture.FrontA);

    private async Task<(string StudyId, TestParticipant Participant, NoticeListener Listener)> EnrolledAndListeningAsync(RallyApiFactory front)
    {
        var (studyId, _) = await _api.EnrollingStudyAsync();
        var participant = await _api.JoinAsync();
        await (await RallyApi.EnrollAsync(participant, studyId)).ShouldBeAsync(HttpStatusCode.Created);
        return (studyId, participant, await NoticeListener.ConnectAsync(front, participant.Token));
    }

    [Fact]
    public async Task Ending_a_study_is_answered_and_pushed_while_its_inboxes_are_still_being_written()
    {
        var (studyId, participant, listener) = await EnrolledAndListeningAsync(fixture.FrontB);
        await using var held = listener;

        using (fixture.Inboxes.Arm())
        {
            var ended = await _api.MoveAsync(studyId, "end");
            Assert.Equal("ended", (string?)ended["state"]);
            await fixture.Inboxes.Held;
            var notice = await listener.WaitForAsync("study-ended", studyId);
            // Heard live, not kept yet: the inbox write is still at the door.
            Assert.Empty(await RallyApi.InboxWhenAsync(participant.Client, _ => true, "anything"));

            fixture.Inboxes.Release();
            await RallyApi.InboxWhenAsync(participant.Client, inbox => inbox.Any(n => (string?)n!["id"] == notice.GetProperty("id").GetString()), "the study-ended notice");
        }
    }

    [Fact]
    public async Task A_notice_acknowledged_as_soon_as_it_is_heard_does_not_come_back_from_the_inbox()
    {
        var (studyId, participant, listener) = await EnrolledAndListeningAsync(fixture.FrontA);
        await using var held = listener;

        using (fixture.Inboxes.Arm())
        {
            await _api.MoveAsync(studyId, "end");
            var notice = await listener.WaitForAsync("study-ended", studyId);
            var id = notice.GetProperty("id").GetString();
            // Nothing is pending yet (as the answer says), but the acknowledgement holds.
            await (await participant.Client.PostAsync($"/v1/me/notices/{id}/ack", null)).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-found");
            // The write comes once the push is out (and a moment later): it is at the door, after the acknowledgement.
            await fixture.Inboxes.Held;
            fixture.Inboxes.Release();
            await fixture.Inboxes.Passed;

            // Its inbox write came after the acknowledgement and left nothing; a later notice still gets in.
            Assert.Empty(await RallyApi.InboxWhenAsync(participant.Client, _ => true, "anything"));
            var (laterStudyId, _) = await _api.EnrollingStudyAsync();
            await (await RallyApi.EnrollAsync(participant, laterStudyId)).ShouldBeAsync(HttpStatusCode.Created);
            await _api.MoveAsync(laterStudyId, "end");
            var inbox = await RallyApi.InboxWhenAsync(participant.Client, i => i.Any(n => (string?)n!["studyId"] == laterStudyId), "the later study's notice");
            Assert.DoesNotContain(inbox, n => (string?)n!["id"] == id);
            await using var again = await NoticeListener.ConnectAsync(fixture.FrontB, participant.Token);
            await again.WaitForAsync("study-ended", laterStudyId);
            Assert.DoesNotContain(again.Received, n => n.GetProperty("id").GetString() == id);
        }
    }
}
