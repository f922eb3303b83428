using Microsoft.Extensions.Logging;
using Orleans.Concurrency;

namespace Rally.Grains.Notices;

/// <summary>
/// Pushes first and writes the inboxes after, so participants hear a notice about as fast as from a plain broadcast
/// (the writes would otherwise compete with the pushes for the same cores), yet none connecting meanwhile misses it:
/// <list type="number">
/// <item>the fronts registered now get one message each per <see cref="PushSize"/> participants, and the fan-out waits
/// (a few seconds at most) until each has written it to its connections, then <see cref="InboxWriteDelay"/>;</item>
/// <item>the inboxes are written in parallel (<see cref="Lanes"/> chunks of <see cref="WriteSize"/> at a time);</item>
/// <item>fronts that registered while the inboxes were written get the messages too;</item>
/// <item>every front is told that the notice is kept, so it stops offering it from memory.</item>
/// </list>
/// A connection reads its inbox after its front registered: if it read before the write, its front registered
/// before step 3 and so got the message, and each front offers the messages it got to the connections made before
/// step 4 (<c>NoticeConnections</c> in the API). The call completes once every inbox has the notice.
/// </summary>
[StatelessWorker, GrainType("notice-fan-out")]
internal sealed partial class NoticeFanOutGrain(NoticeMetrics metrics, ILogger<NoticeFanOutGrain> logger) : Grain, INoticeFanOutGrain
{
    public const int PushSize = 5000;
    /// <summary>
    /// 200 inbox writes in flight rather than 2,000: fewer at once finish sooner when nothing else stalls (5,000 inboxes
    /// in 2.0–2.3 s rather than 10–12 s in the fan-out benchmark) and leave the cores to the pushes still on their way.
    /// </summary>
    public const int WriteSize = 100;
    public const int Lanes = 2;

    /// <summary>How long after the fronts have written a notice its inbox writes start: the pushes finish first.</summary>
    public static readonly TimeSpan InboxWriteDelay = TimeSpan.FromSeconds(1);

    public async Task DeliverAsync(Notice notice, Guid[] participantIds)
    {
        ArgumentNullException.ThrowIfNull(notice);
        ArgumentNullException.ThrowIfNull(participantIds);
        var ids = participantIds.Distinct().ToArray();
        var deliveries = Deliveries(notice, ids);

        var fronts = await Registry.ListAsync();
        LogStep(logger, notice.Id, "pushing", fronts.Length, DateTimeOffset.UtcNow);
        await Task.WhenAll(fronts.Select(front => PushAsync(front, deliveries)));
        LogStep(logger, notice.Id, "pushed", fronts.Length, DateTimeOffset.UtcNow);
        // The inboxes are written once the fronts have written the notice to their connections (a few seconds at most),
        // and a moment later: started at once, 10,000 inbox writes took the cores from the sockets still being written
        // and from the participants' own reading (fan-out benchmark). Nothing waits on them: the study's outbox already
        // keeps the notice, and a participant connecting meanwhile gets it from its front.
        await Task.WhenAll(fronts.Select(front => SentAsync(front, notice.Id)));
        LogStep(logger, notice.Id, "sent", fronts.Length, DateTimeOffset.UtcNow);
        await Task.Delay(InboxWriteDelay);

        var writes = ids.Chunk(WriteSize).ToArray();
        await Task.WhenAll(Enumerable.Range(0, Math.Min(Lanes, writes.Length)).Select(async lane =>
        {
            for (var i = lane; i < writes.Length; i += Lanes)
            {
                await Task.WhenAll(writes[i].Select(id => GrainFactory.GetGrain<INoticeInboxGrain>(id).AddAsync(notice)));
            }
        }));
        metrics.Sent(notice.Kind, ids.Length);
        LogStep(logger, notice.Id, "kept", ids.Length, DateTimeOffset.UtcNow);

        var known = fronts.Select(f => f.FrontId).ToHashSet();
        var now = await Registry.ListAsync();
        var joined = now.Where(f => !known.Contains(f.FrontId)).ToArray();
        LogStep(logger, notice.Id, "fronts registered meanwhile", joined.Length, DateTimeOffset.UtcNow);
        await Task.WhenAll(joined.Select(front => PushAsync(front, deliveries)));
        await Task.WhenAll(now.Select(front => TellAsync(front, "kept", f => f.KeptAsync(notice.Id))));
    }

    public async Task PushAsync(Notice notice, Guid[] participantIds)
    {
        ArgumentNullException.ThrowIfNull(notice);
        ArgumentNullException.ThrowIfNull(participantIds);
        var fronts = await Registry.ListAsync();
        var deliveries = Deliveries(notice, participantIds.Distinct());
        await Task.WhenAll(fronts.Select(front => PushAsync(front, deliveries)));
        // Already in the inboxes: the fronts need not offer it from memory.
        await Task.WhenAll(fronts.Select(front => TellAsync(front, "kept", f => f.KeptAsync(notice.Id))));
    }

    public async Task DisconnectAsync(Guid participantId)
    {
        var fronts = await Registry.ListAsync();
        await Task.WhenAll(fronts.Select(front => TellAsync(front, "disconnect", f => f.DisconnectAsync(participantId))));
    }

    private INoticeFrontRegistryGrain Registry => GrainFactory.GetGrain<INoticeFrontRegistryGrain>(INoticeFrontRegistryGrain.Key);

    /// <summary>One message per front and <see cref="PushSize"/> participants.</summary>
    private static NoticeDelivery[] Deliveries(Notice notice, IEnumerable<Guid> ids) =>
        [.. ids.Chunk(PushSize).Select(chunk => new NoticeDelivery(notice, chunk))];

    /// <summary>Every delivery to one front.</summary>
    private Task PushAsync(NoticeFrontEntry front, NoticeDelivery[] deliveries) =>
        Task.WhenAll(deliveries.Select(delivery => TellAsync(front, "deliver", async f =>
        {
            await f.DeliverAsync(delivery);
            metrics.Pushed(1);
        })));

    /// <summary>Waits for a front to have written the notice; a front that cannot say (an older one, a slow one) is only noted.</summary>
    private async Task SentAsync(NoticeFrontEntry entry, Guid noticeId)
    {
        try
        {
            await entry.Front.SentAsync(noticeId);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogFrontNotSent(logger, exception, entry.FrontId);
        }
    }

    /// <summary>
    /// A failed push loses nothing: the notice is in the inbox (or will be before <see cref="DeliverAsync"/> completes)
    /// and is replayed at the participant's next connection; a front that failed (not one that only answered late) is
    /// dropped from the registry, registers again at its next refresh if it is still alive, and then replays.
    /// </summary>
    private async Task TellAsync(NoticeFrontEntry entry, string what, Func<INoticeFront, Task> call)
    {
        try
        {
            await call(entry.Front);
        }
        catch (TimeoutException exception)
        {
            // No answer in time is not a dead front: one that died fails at once (its gateway connection is gone), and
            // one that stops refreshing lapses from the registry. In the fan-out benchmark, fronts that had taken the
            // call within 40 ms went unanswered for 5 s; dropping them made the next round miss a whole front.
            LogFrontSlow(logger, exception, entry.FrontId, what);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogFrontFailed(logger, exception, entry.FrontId, what);
            await Registry.UnregisterAsync(entry.FrontId);
        }
    }

    /// <summary>Where a fan-out stands, at debug level: what the fan-out benchmark reads to place a round's tail.</summary>
    [LoggerMessage(EventId = 5103, Level = LogLevel.Debug, Message = "Notice {NoticeId}: {Step} ({Count}) at {At:HH:mm:ss.fff}")]
    private static partial void LogStep(ILogger logger, Guid noticeId, string step, int count, DateTimeOffset at);

    [LoggerMessage(EventId = 5104, Level = LogLevel.Debug, Message = "Front {FrontId} did not say whether it had written a notice; its inboxes are written anyway")]
    private static partial void LogFrontNotSent(ILogger logger, Exception exception, Guid frontId);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Warning, Message = "Front {FrontId} did not answer a {Call} call in time; kept in the registry")]
    private static partial void LogFrontSlow(ILogger logger, Exception exception, Guid frontId, string call);

    [LoggerMessage(EventId = 5101, Level = LogLevel.Warning, Message = "Front {FrontId} failed a {Call} call; dropped from the registry until it refreshes")]
    private static partial void LogFrontFailed(ILogger logger, Exception exception, Guid frontId, string call);
}
