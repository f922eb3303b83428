using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Rally.Api.Authentication;
using Rally.Grains.Notices;

namespace Rally.Api.Notices;

/// <summary>
/// Participants only. On connecting, the connection is recorded first and the pending notices are sent after, so a
/// notice kept while connecting is either in the inbox read or pushed to the recorded connection (possibly both:
/// clients tell notices apart by id). Clients call nothing; acknowledgements go to <c>POST /v1/me/notices/{id}/ack</c>.
/// </summary>
[Authorize(Policy = RallyAuth.ParticipantPolicy)]
public sealed class NoticeHub(NoticeConnections connections, NoticeFrontRegistration registration, IGrainFactory grains) : Hub
{
    public override async Task OnConnectedAsync()
    {
        var participantId = Context.User!.GetSubjectId();
        connections.Add(participantId, Context.ConnectionId);
        // Until this front is in the registry, pushes would pass it by: replay only once it is.
        await registration.Registered.WaitAsync(Context.ConnectionAborted);
        foreach (var notice in (await grains.GetGrain<INoticeInboxGrain>(participantId).ListAsync()).OrderBy(n => n.At))
        {
            await Clients.Caller.SendAsync(NoticeRoutes.NoticeMessage, NoticeMessage.From(notice), Context.ConnectionAborted);
        }
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        connections.Remove(Context.User!.GetSubjectId(), Context.ConnectionId);
        return Task.CompletedTask;
    }
}
