using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Rally.Api.Authentication;
using Rally.Grains.Notices;

namespace Rally.Api.Notices;

/// <summary>
/// Participants only. On connecting, the connection is recorded (with the deliveries this front received lately
/// for the participant), then, once the front is registered, the participant's inbox is read and everything pending
/// is sent, oldest first. A notice may so arrive twice: clients tell notices apart by id. Clients call nothing;
/// acknowledgements go to <c>POST /v1/me/notices/{id}/ack</c>.
/// </summary>
[Authorize(Policy = RallyAuth.ParticipantPolicy)]
public sealed class NoticeHub(NoticeConnections connections, NoticeFrontRegistration registration, IGrainFactory grains) : Hub
{
    public override async Task OnConnectedAsync()
    {
        var participantId = Context.User!.GetSubjectId();
        var recent = connections.Connect(participantId, Context.ConnectionId, Context.Abort);
        // Until this front is in the registry, pushes would pass it by: read the inbox only once it is.
        await registration.Registered.WaitAsync(Context.ConnectionAborted);
        var pending = await grains.GetGrain<INoticeInboxGrain>(participantId).ListAsync();
        foreach (var notice in pending.UnionBy(recent, n => n.Id).OrderBy(n => n.At))
        {
            await Clients.Caller.SendAsync(NoticeRoutes.NoticeMessage, NoticeMessage.From(notice), Context.ConnectionAborted);
        }
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        connections.Disconnect(Context.User!.GetSubjectId(), Context.ConnectionId);
        return Task.CompletedTask;
    }
}
