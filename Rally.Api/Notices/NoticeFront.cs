using Microsoft.AspNetCore.SignalR;
using Rally.Grains.Notices;

namespace Rally.Api.Notices;

/// <summary>
/// This front as grains see it (an Orleans observer): each delivery is sent, serialized once, to the connections held
/// here of its participants; participants connected elsewhere are another front's business.
/// </summary>
public sealed partial class NoticeFront(IHubContext<NoticeHub> hub, NoticeConnections connections, ILogger<NoticeFront> logger) : INoticeFront
{
    private readonly Lock _gate = new();
    private Task _sending = Task.CompletedTask;

    /// <summary>
    /// Answers once the delivery is recorded and its sends are queued, not written: writing to thousands of sockets
    /// on a busy front could outlast the fan-out's 5 s timeout, and a front that times out is dropped from the registry
    /// (its participants then hear the notice only by replay, seconds later; measured by the fan-out benchmark). The
    /// sends go out one delivery after another, so a participant hears a study's notices in the order they were sent.
    /// </summary>
    public Task DeliverAsync(NoticeDelivery delivery)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var targets = connections.Deliver(delivery);
        if (targets.Count > 0)
        {
            var message = NoticeMessage.From(delivery.Notice);
            lock (_gate)
            {
                _sending = SendAfterAsync(_sending, targets, message, delivery.Notice.Id);
            }
        }
        return Task.CompletedTask;
    }

    public Task SentAsync()
    {
        lock (_gate)
        {
            return _sending;
        }
    }

    private async Task SendAfterAsync(Task previous, List<string> targets, NoticeMessage message, Guid noticeId)
    {
        // Off the caller's thread even when nothing is queued: the grain call is answered before the sockets are written.
        await previous.ConfigureAwait(ConfigureAwaitOptions.ForceYielding);
        try
        {
            await hub.Clients.Clients(targets).SendAsync(NoticeRoutes.NoticeMessage, message);
        }
        catch (Exception exception)
        {
            // The notice is in (or on its way to) every inbox: the participants get it at their next connection.
            LogSendFailed(logger, exception, noticeId, targets.Count);
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

    [LoggerMessage(EventId = 5003, Level = LogLevel.Warning, Message = "Notice {NoticeId} could not be sent to {Connections} connections here; they get it from their inbox at their next connection")]
    private static partial void LogSendFailed(ILogger logger, Exception exception, Guid noticeId, int connections);
}
