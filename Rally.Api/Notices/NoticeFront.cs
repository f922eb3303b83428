using Microsoft.AspNetCore.SignalR;
using Rally.Grains.Notices;

namespace Rally.Api.Notices;

/// <summary>
/// This front as grains see it (an Orleans observer): each delivery is sent, serialized once, to the connections held
/// here of its participants; participants connected elsewhere are another front's business.
/// </summary>
public sealed partial class NoticeFront(IHubContext<NoticeHub> hub, NoticeConnections connections, TimeProvider clock, ILogger<NoticeFront> logger) : INoticeFront
{
    /// <summary>The longest <see cref="SentAsync"/> waits: under the fan-out's 5 s timeout for the call.</summary>
    public static readonly TimeSpan SentWaitLimit = TimeSpan.FromSeconds(4);

    private readonly Lock _gate = new();
    private Task _issued = Task.CompletedTask;

    /// <summary>Each notice's deliveries being sent here, until the fan-out has asked (<see cref="SentAsync"/>) or said kept.</summary>
    private readonly Dictionary<Guid, List<Task>> _sending = [];

    /// <summary>
    /// Answers once the delivery is recorded and its sends are queued, not written: writing to thousands of sockets
    /// on a busy front could outlast the fan-out's 5 s timeout, and a front that times out is dropped from the registry
    /// (its participants then hear the notice only by replay, seconds later; measured by the fan-out benchmark). The
    /// sends are issued one delivery after another (each connection writes its messages in the order they were
    /// issued), but a delivery never waits for the previous one's slowest socket.
    /// </summary>
    public Task DeliverAsync(NoticeDelivery delivery)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var targets = connections.Deliver(delivery);
        LogDelivery(logger, delivery.Notice.Id, "received", targets.Count, DateTimeOffset.UtcNow);
        if (targets.Count > 0)
        {
            var message = NoticeMessage.From(delivery.Notice);
            var sent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_gate)
            {
                _issued = IssueAfterAsync(_issued, new ConnectionIdSet(targets), message, delivery.Notice.Id, sent);
                if (!_sending.TryGetValue(delivery.Notice.Id, out var sending))
                {
                    _sending[delivery.Notice.Id] = sending = [];
                }
                sending.Add(sent.Task);
            }
        }
        return Task.CompletedTask;
    }

    private async Task IssueAfterAsync(Task previous, ConnectionIdSet targets, NoticeMessage message, Guid noticeId, TaskCompletionSource sent)
    {
        // Off the caller's thread even when nothing is queued: the grain call is answered before the sockets are written.
        await previous.ConfigureAwait(ConfigureAwaitOptions.ForceYielding);
        Task writes;
        try
        {
            // Every connection's write is started before this returns; the slow ones finish later.
            writes = hub.Clients.Clients(targets).SendAsync(NoticeRoutes.NoticeMessage, message);
        }
        catch (Exception exception)
        {
            LogSendFailed(logger, exception, noticeId, targets.Count);
            sent.TrySetResult();
            return;
        }
        LogDelivery(logger, noticeId, "issued", targets.Count, DateTimeOffset.UtcNow);
        _ = FinishAsync(writes, noticeId, targets.Count, sent);
    }

    private async Task FinishAsync(Task writes, Guid noticeId, int count, TaskCompletionSource sent)
    {
        try
        {
            await writes;
            LogDelivery(logger, noticeId, "written", count, DateTimeOffset.UtcNow);
        }
        catch (Exception exception)
        {
            // The notice is in (or on its way to) every inbox: the participants get it at their next connection.
            LogSendFailed(logger, exception, noticeId, count);
        }
        finally
        {
            sent.TrySetResult();
        }
    }

    public async Task SentAsync(Guid noticeId)
    {
        Task[] sending;
        lock (_gate)
        {
            // Asked once per fan-out: a later delivery of the same notice (a retry) is tracked afresh.
            sending = _sending.Remove(noticeId, out var tasks) ? [.. tasks] : [];
        }
        if (sending.Length > 0)
        {
            // A front with a slow socket still answers in time; the rest of its writes finish meanwhile.
            await Task.WhenAny(Task.WhenAll(sending), Task.Delay(SentWaitLimit, clock));
        }
    }

    public Task KeptAsync(Guid noticeId)
    {
        lock (_gate)
        {
            _sending.Remove(noticeId);
        }
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

    /// <summary>Where a delivery stands on this front, at debug level: what the fan-out benchmark reads to place a round's tail.</summary>
    [LoggerMessage(EventId = 5004, Level = LogLevel.Debug, Message = "Notice {NoticeId}: {Step} for {Connections} connections here at {At:HH:mm:ss.fff}")]
    private static partial void LogDelivery(ILogger logger, Guid noticeId, string step, int connections, DateTimeOffset at);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Warning, Message = "Notice {NoticeId} could not be sent to {Connections} connections here; they get it from their inbox at their next connection")]
    private static partial void LogSendFailed(ILogger logger, Exception exception, Guid noticeId, int connections);
}
