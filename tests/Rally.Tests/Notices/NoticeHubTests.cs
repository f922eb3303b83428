using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Rally.Grains.Notices;
using Rally.Tests.Infrastructure;

namespace Rally.Tests.Notices;

/// <summary>Live notices through the real pipeline: Kestrel, authentication, the hub, the fan-out and the fronts' observers.</summary>
[Collection(NoticesCollection.Name)]
public sealed class NoticeHubTests(NoticesFixture fixture)
{
    private readonly RallyApi _api = new(fixture.FrontA);

    [Fact]
    public async Task A_connected_participant_hears_at_once_that_its_study_ended_and_should_uninstall_the_add_on()
    {
        var (studyId, participant) = await EnrolledAsync();
        await using var listener = await NoticeListener.ConnectAsync(fixture.FrontA, participant.Token);

        await _api.MoveAsync(studyId, "end");

        var notice = await listener.WaitForAsync("study-ended", studyId);
        Assert.True(Guid.TryParse(notice.GetProperty("id").GetString(), out _));
        Assert.Contains("uninstall", notice.GetProperty("message").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.Contains("search-study@rally.test", notice.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, notice.GetProperty("endsAt").ValueKind);
        Assert.True(notice.GetProperty("at").GetDateTimeOffset() > DateTimeOffset.UnixEpoch);
        Assert.Equal(["id", "kind", "studyId", "message", "endsAt", "at"], notice.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task Announcing_an_end_tells_every_enrolled_participant_when()
    {
        var (studyId, first) = await EnrolledAsync();
        var second = await _api.JoinAsync();
        await EnrollOkAsync(second, studyId);
        await using var one = await NoticeListener.ConnectAsync(fixture.FrontA, first.Token);
        await using var two = await NoticeListener.ConnectAsync(fixture.FrontA, second.Token);
        var endsAt = fixture.Clock.GetUtcNow().AddDays(30);

        await _api.MoveAsync(studyId, "announce-end", new { endsAt });

        foreach (var listener in new[] { one, two })
        {
            var notice = await listener.WaitForAsync("study-ending", studyId);
            Assert.Equal(endsAt, notice.GetProperty("endsAt").GetDateTimeOffset());
        }
    }

    [Fact]
    public async Task Publishing_a_new_consent_asks_enrolled_participants_to_consent_again()
    {
        var (studyId, participant, partner) = await EnrolledWithPartnerAsync();
        await using var listener = await NoticeListener.ConnectAsync(fixture.FrontA, participant.Token);

        var published = await partner.Researcher.PutAsJsonAsync($"/v1/studies/{studyId}/consent", new { consentVersion = "2" });
        Assert.Equal(HttpStatusCode.OK, published.StatusCode);

        var notice = await listener.WaitForAsync("consent-changed", studyId);
        Assert.Contains("'2'", notice.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Notices_missed_while_offline_are_pushed_on_connecting_until_acknowledged()
    {
        var (studyId, participant) = await EnrolledAsync();
        var (laterStudyId, _) = await _api.EnrollingStudyAsync();
        await EnrollOkAsync(participant, laterStudyId);
        var first = await NoticeListener.ConnectAsync(fixture.FrontA, participant.Token);
        await first.DisposeAsync();

        await _api.MoveAsync(studyId, "end");

        await using var second = await NoticeListener.ConnectAsync(fixture.FrontB, participant.Token);
        var missed = await second.WaitForAsync("study-ended", studyId);
        var noticeId = missed.GetProperty("id").GetString();
        await RallyApi.InboxWhenAsync(participant.Client, inbox => inbox.Any(n => (string?)n!["id"] == noticeId), "the missed notice");

        var ack = await participant.Client.PostAsync($"/v1/me/notices/{noticeId}/ack", null);
        Assert.True(ack.IsSuccessStatusCode, $"ack: {(int)ack.StatusCode}");
        await second.DisposeAsync();
        await _api.MoveAsync(laterStudyId, "end");

        // Pending notices are replayed oldest first: had the acknowledged one been kept, it would come before this.
        await using var third = await NoticeListener.ConnectAsync(fixture.FrontA, participant.Token);
        await third.WaitForAsync("study-ended", laterStudyId);
        Assert.DoesNotContain(third.Received, n => n.GetProperty("id").GetString() == noticeId);
    }

    [Fact]
    public async Task The_hub_refuses_anyone_but_a_participant_with_a_valid_token()
    {
        var partner = await _api.NewPartnerAsync();
        var leaver = await _api.JoinAsync();
        Assert.Equal(HttpStatusCode.OK, (await leaver.Client.DeleteAsync("/v1/me")).StatusCode);

        await RefusedAsync(null, HttpStatusCode.Unauthorized);
        await RefusedAsync("rp_not-a-token", HttpStatusCode.Unauthorized);
        await RefusedAsync("rp_" + Guid.NewGuid().ToString("N") + "_" + new string('A', 43), HttpStatusCode.Unauthorized);
        await RefusedAsync(leaver.Token, HttpStatusCode.Unauthorized);
        await RefusedAsync(partner.ResearcherKey, HttpStatusCode.Forbidden);
        await RefusedAsync(TestSecrets.OperatorKey, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Browsers_connect_with_a_ticket_in_the_query_string_and_never_with_the_token()
    {
        var (studyId, participant) = await EnrolledAsync();

        // The long-lived token is not accepted in a URL (proxies log URLs).
        await using (var withToken = NoticeListener.ForUrl(new Uri(NoticeListener.HubUrl(fixture.FrontA) + $"?access_token={Uri.EscapeDataString(participant.Token)}")))
        {
            await Assert.ThrowsAnyAsync<Exception>(() => withToken.Connection.StartAsync());
        }

        // A ticket is: negotiating with it does not use it up, opening the connection does.
        var ticket = await TicketAsync(participant);
        var url = new Uri(NoticeListener.HubUrl(fixture.FrontA) + $"?access_token={Uri.EscapeDataString(ticket)}");
        await using var listener = NoticeListener.ForUrl(url);
        await listener.Connection.StartAsync();
        await using (var again = NoticeListener.ForUrl(url))
        {
            await Assert.ThrowsAnyAsync<Exception>(() => again.Connection.StartAsync());
        }
        await _api.MoveAsync(studyId, "end");
        await listener.WaitForAsync("study-ended", studyId);

        // A ticket opens the hub and nothing else.
        using var bearer = fixture.FrontA.CreateClient(ticket);
        Assert.Equal(HttpStatusCode.Unauthorized, (await bearer.GetAsync("/v1/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _api.Anonymous.GetAsync($"/v1/me?access_token={Uri.EscapeDataString(ticket)}")).StatusCode);
    }

    [Fact]
    public async Task A_ticket_opens_nothing_once_expired_forged_or_its_participant_left()
    {
        var (_, participant) = await EnrolledAsync();
        await RefusedTicketAsync(participant.Token[..^5] + "AAAAA");
        await RefusedTicketAsync("rt_" + Guid.NewGuid().ToString("N") + "_9999999999_" + new string('A', 22) + "_" + new string('A', 22));

        // Issued by a front whose clock runs two minutes behind: expired when it arrives.
        await using (var late = RallyApiFactory.Start(fixture.Cluster, services: s => s.AddSingleton<TimeProvider>(new SkewedClock(TimeSpan.FromMinutes(-2)))))
        {
            using var client = late.CreateClient(participant.Token);
            var stale = (string)(await (await client.PostAsync("/v1/me/notices/ticket", null)).ShouldBeAsync(HttpStatusCode.OK))["ticket"]!;
            await RefusedTicketAsync(stale);
        }

        var ticket = await TicketAsync(participant);
        await (await participant.Client.DeleteAsync("/v1/me")).ShouldBeAsync(HttpStatusCode.Accepted);
        await RefusedTicketAsync(ticket);
    }

    private async Task RefusedTicketAsync(string ticket)
    {
        await using var listener = NoticeListener.ForUrl(new Uri(NoticeListener.HubUrl(fixture.FrontA) + $"?access_token={Uri.EscapeDataString(ticket)}"));
        await Assert.ThrowsAnyAsync<Exception>(() => listener.Connection.StartAsync());
    }

    private static async Task<string> TicketAsync(TestParticipant participant)
    {
        var issued = await (await participant.Client.PostAsync("/v1/me/notices/ticket", null)).ShouldBeAsync(HttpStatusCode.OK);
        var expiresAt = DateTimeOffset.Parse((string)issued["expiresAt"]!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(expiresAt - DateTimeOffset.UtcNow, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(61));
        return (string)issued["ticket"]!;
    }

    [Fact]
    public async Task A_participant_hears_only_its_own_notices()
    {
        var (mine, me) = await EnrolledAsync();
        var (theirs, other) = await EnrolledAsync();
        var (shared, _) = await _api.EnrollingStudyAsync();
        await EnrollOkAsync(me, shared);
        await using var myListener = await NoticeListener.ConnectAsync(fixture.FrontA, me.Token);
        await using var theirListener = await NoticeListener.ConnectAsync(fixture.FrontA, other.Token);

        await _api.MoveAsync(mine, "end");
        await _api.MoveAsync(theirs, "end");
        await _api.MoveAsync(shared, "end");

        // Each front sends its deliveries one after another, and the same front holds both connections: once the
        // notice of their study has reached them, anything of it meant for me would have reached me before.
        await theirListener.WaitForAsync("study-ended", theirs);
        await myListener.WaitForAsync("study-ended", shared);
        await myListener.WaitForAsync("study-ended", mine);
        Assert.DoesNotContain(myListener.Received, n => n.GetProperty("studyId").GetString() == theirs);
        Assert.DoesNotContain(theirListener.Received, n => n.GetProperty("studyId").GetString() is { } s && (s == mine || s == shared));
        var myNotices = (await (await me.Client.GetAsync("/v1/me")).ShouldBeAsync(HttpStatusCode.OK))["notices"]!.AsArray();
        Assert.DoesNotContain(myNotices, n => (string?)n!["studyId"] == theirs);
    }

    [Fact]
    public async Task A_notice_reaches_its_participant_whichever_front_holds_the_connection()
    {
        var (studyId, onA) = await EnrolledAsync();
        var onB = await _api.JoinAsync();
        await EnrollOkAsync(onB, studyId);
        await using var a = await NoticeListener.ConnectAsync(fixture.FrontA, onA.Token);
        await using var b = await NoticeListener.ConnectAsync(fixture.FrontB, onB.Token);

        await _api.MoveAsync(studyId, "end");

        var viaA = await a.WaitForAsync("study-ended", studyId);
        var viaB = await b.WaitForAsync("study-ended", studyId);
        Assert.Equal(viaA.GetProperty("id").GetString(), viaB.GetProperty("id").GetString());
    }

    [Fact]
    public async Task A_participant_whose_front_stopped_gets_what_it_missed_from_another_front()
    {
        var (studyId, participant) = await EnrolledAsync();
        var front = fixture.StartFront();
        var listener = await NoticeListener.ConnectAsync(front, participant.Token);
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        listener.Connection.Closed += _ =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };

        await front.DisposeAsync();
        await closed.Task.WaitAsync(TimeSpan.FromSeconds(20));
        await _api.MoveAsync(studyId, "end");

        await using var elsewhere = await NoticeListener.ConnectAsync(fixture.FrontB, participant.Token);
        await elsewhere.WaitForAsync("study-ended", studyId);
        await listener.DisposeAsync();
    }

    [Fact]
    public async Task An_announced_end_comes_by_itself_on_time()
    {
        var (studyId, participant) = await EnrolledAsync();
        await using var listener = await NoticeListener.ConnectAsync(fixture.FrontA, participant.Token);
        var endsAt = fixture.Clock.GetUtcNow().AddMinutes(30);
        await _api.MoveAsync(studyId, "announce-end", new { endsAt });
        await listener.WaitForAsync("study-ending", studyId);

        fixture.Clock.Advance(TimeSpan.FromMinutes(29));
        var study = await (await _api.Anonymous.GetAsync($"/v1/studies/{studyId}")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal("enrolling", (string?)study["state"]);

        fixture.Clock.Advance(TimeSpan.FromMinutes(1));

        var ended = await listener.WaitForAsync("study-ended", studyId);
        Assert.Contains("uninstall", ended.GetProperty("message").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(endsAt, ended.GetProperty("endsAt").GetDateTimeOffset());
        study = await (await _api.Anonymous.GetAsync($"/v1/studies/{studyId}")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal("ended", (string?)study["state"]);
        Assert.Equal(endsAt, study["endedAt"]!.GetValue<DateTimeOffset>());
    }

    [Fact]
    public async Task A_far_announced_end_is_carried_out_by_the_studys_reminder()
    {
        var (studyId, participant) = await EnrolledAsync();
        await using var listener = await NoticeListener.ConnectAsync(fixture.FrontA, participant.Token);
        // Beyond the timer's horizon: only the reminder is set.
        var endsAt = fixture.Clock.GetUtcNow().AddHours(3);
        await _api.MoveAsync(studyId, "announce-end", new { endsAt });
        var study = fixture.Cluster.Client.GetGrain<IRemindable>(GrainId.Create("study", studyId));

        await study.ReceiveReminder("scheduled-end", default);
        Assert.Equal("enrolling", (string?)(await (await _api.Anonymous.GetAsync($"/v1/studies/{studyId}")).ShouldBeAsync(HttpStatusCode.OK))["state"]);

        // Advancing the clock arms no timer: the study ends when its reminder comes.
        fixture.Clock.Advance(TimeSpan.FromHours(3));
        await study.ReceiveReminder("scheduled-end", default);

        await listener.WaitForAsync("study-ended", studyId);
        Assert.Equal("ended", (string?)(await (await _api.Anonymous.GetAsync($"/v1/studies/{studyId}")).ShouldBeAsync(HttpStatusCode.OK))["state"]);
    }

    [Fact]
    public async Task A_completed_deletion_is_pushed_to_the_participant_and_kept_until_acknowledged()
    {
        var (studyId, participant) = await EnrolledAsync();
        await using var listener = await NoticeListener.ConnectAsync(fixture.FrontB, participant.Token);

        var left = await (await participant.Client.DeleteAsync($"/v1/me/enrollments/{studyId}")).ShouldBeAsync(HttpStatusCode.OK);

        var pushed = await listener.WaitForAsync("data-deleted", studyId);
        // The notice's id is the deletion request's.
        Assert.Equal((string?)left["deletionId"], pushed.GetProperty("id").GetString());
        var me = await (await participant.Client.GetAsync("/v1/me")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Contains(me["notices"]!.AsArray(), n => (string?)n!["kind"] == "data-deleted" && (string?)n["studyId"] == studyId);
    }

    [Fact]
    public async Task Leaving_Rally_removes_the_participants_notices()
    {
        var (studyId, participant) = await EnrolledAsync();
        var (otherStudyId, _) = await _api.EnrollingStudyAsync();
        await EnrollOkAsync(participant, otherStudyId);
        await _api.MoveAsync(studyId, "end");
        await RallyApi.InboxWhenAsync(participant.Client, notices => notices.Count > 0, "the study-ended notice");
        var inbox = fixture.Cluster.Client.GetGrain<INoticeInboxGrain>(participant.Id);

        Assert.True((await participant.Client.DeleteAsync("/v1/me")).IsSuccessStatusCode);

        Assert.Empty(await inbox.ListAsync());
    }

    [Fact]
    public async Task Leaving_Rally_closes_the_participants_live_connections()
    {
        var participant = await _api.JoinAsync();
        await using var listener = await NoticeListener.ConnectAsync(fixture.FrontB, participant.Token);
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        listener.Connection.Closed += _ =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };

        Assert.True((await participant.Client.DeleteAsync("/v1/me")).IsSuccessStatusCode);

        await closed.Task.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(HubConnectionState.Disconnected, listener.Connection.State);
    }

    private async Task RefusedAsync(string? token, HttpStatusCode status)
    {
        await using var listener = NoticeListener.For(fixture.FrontA, token, Microsoft.AspNetCore.Http.Connections.HttpTransportType.WebSockets | Microsoft.AspNetCore.Http.Connections.HttpTransportType.LongPolling);
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => listener.Connection.StartAsync());
        Assert.Equal(status, refused.StatusCode);
    }

    private async Task<(string StudyId, TestParticipant Participant)> EnrolledAsync()
    {
        var (studyId, participant, _) = await EnrolledWithPartnerAsync();
        return (studyId, participant);
    }

    private async Task<(string StudyId, TestParticipant Participant, TestPartner Partner)> EnrolledWithPartnerAsync()
    {
        var (studyId, partner) = await _api.EnrollingStudyAsync();
        var participant = await _api.JoinAsync();
        await EnrollOkAsync(participant, studyId);
        return (studyId, participant, partner);
    }

    private static async Task EnrollOkAsync(TestParticipant participant, string studyId)
    {
        var enrolled = await RallyApi.EnrollAsync(participant, studyId);
        Assert.Equal(HttpStatusCode.Created, enrolled.StatusCode);
    }
}
