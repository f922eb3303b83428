using Microsoft.AspNetCore.SignalR;
using Rally.Grains.Notices;

namespace Rally.Api.Notices;

/// <summary>
/// This front as grains see it (an Orleans observer): each delivery is sent, serialized once, to the connections held
/// here of its participants; participants connected elsewhere are another front's business.
/// </summary>
public sealed class NoticeFront(IHubContext<NoticeHub> hub, NoticeConnections connections) : INoticeFront
{
    public async Task DeliverAsync(NoticeDelivery delivery)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var targets = connections.Deliver(delivery);
        if (targets.Count > 0)
        {
            await hub.Clients.Clients(targets).SendAsync(NoticeRoutes.NoticeMessage, NoticeMessage.From(delivery.Notice));
        }
    }

    public Task KeptAsync(Guid noticeId)
    {
        connections.Kept(noticeId);
        return Task.CompletedTask;
    }

    public Task DisconnectAsync(Guid participantId)
    {
        connections.Abort(participantId);
        return Task.CompletedTask;
    }

    /// <summary>Sends every connected participant its pending notices again (after the registry lost this front).</summary>
    public async Task ReplayAsync(IGrainFactory grains, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grains);
        await Parallel.ForEachAsync(connections.Snapshot(), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (held, ct) =>
        {
            foreach (var notice in (await grains.GetGrain<INoticeInboxGrain>(held.Key).ListAsync()).OrderBy(n => n.At))
            {
                await hub.Clients.Clients(held.Value).SendAsync(NoticeRoutes.NoticeMessage, NoticeMessage.From(notice), ct);
            }
        });
    }
}
