using Microsoft.Extensions.Logging;
using Orleans.Concurrency;

namespace Rally.Grains.Notices;

/// <summary>
/// Pushes first and writes inboxes meanwhile, so participants hear a notice as fast as a plain broadcast, yet none
/// connecting at that moment misses it:
/// <list type="number">
/// <item>the fronts registered now get one message per chunk of <see cref="ChunkSize"/> participants at once;</item>
/// <item>the inboxes are written in parallel (<see cref="Lanes"/> chunks at a time, each chunk's calls together);</item>
/// <item>fronts that registered while the inboxes were written get the messages too;</item>
/// <item>every front is told that the notice is kept, so it stops offering it from memory.</item>
/// </list>
/// A connection reads its inbox after its front registered: if it read before the write, its front registered
/// before step 3 and so got the message, and each front keeps recent messages for connections made just after one
/// arrived (<c>NoticeConnections</c> in the API). The call completes once every inbox has the notice.
/// </summary>
[StatelessWorker, GrainType("notice-fan-out")]
internal sealed partial class NoticeFanOutGrain(ILogger<NoticeFanOutGrain> logger) : Grain, INoticeFanOutGrain
{
    public const int ChunkSize = 500;
    public const int Lanes = 4;

    public async Task DeliverAsync(Notice notice, Guid[] participantIds)
    {
        ArgumentNullException.ThrowIfNull(notice);
        ArgumentNullException.ThrowIfNull(participantIds);
        var deliveries = participantIds.Distinct().Chunk(ChunkSize).Select(chunk => new NoticeDelivery(notice, chunk)).ToArray();
        var registry = GrainFactory.GetGrain<INoticeFrontRegistryGrain>(INoticeFrontRegistryGrain.Key);

        var fronts = await registry.ListAsync();
        var pushes = Push(fronts, deliveries).ToList();

        await Task.WhenAll(Enumerable.Range(0, Math.Min(Lanes, deliveries.Length)).Select(async lane =>
        {
            for (var i = lane; i < deliveries.Length; i += Lanes)
            {
                await Task.WhenAll(deliveries[i].ParticipantIds.Select(id => GrainFactory.GetGrain<INoticeInboxGrain>(id).AddAsync(notice)));
            }
        }));

        var pushed = fronts.Select(f => f.FrontId).ToHashSet();
        var now = await registry.ListAsync();
        pushes.AddRange(Push(now.Where(f => !pushed.Contains(f.FrontId)), deliveries));
        await Task.WhenAll(pushes);
        await Task.WhenAll(now.Select(front => TellAsync(front, notice.Id, f => f.KeptAsync(notice.Id))));
    }

    private IEnumerable<Task> Push(IEnumerable<NoticeFrontEntry> fronts, NoticeDelivery[] deliveries) =>
        fronts.SelectMany(front => deliveries.Select(delivery => TellAsync(front, delivery.Notice.Id, f => f.DeliverAsync(delivery))));

    /// <summary>
    /// A failed push loses nothing (the notice is in the inbox and replayed at the next connection); the front is
    /// dropped from the registry, registers again at its next refresh if it is still alive, and then replays.
    /// </summary>
    private async Task TellAsync(NoticeFrontEntry entry, Guid noticeId, Func<INoticeFront, Task> call)
    {
        try
        {
            await call(entry.Front);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogPushFailed(logger, exception, entry.FrontId, noticeId);
            await GrainFactory.GetGrain<INoticeFrontRegistryGrain>(INoticeFrontRegistryGrain.Key).UnregisterAsync(entry.FrontId);
        }
    }

    [LoggerMessage(EventId = 5101, Level = LogLevel.Warning, Message = "Front {FrontId} did not take notice {NoticeId}; dropped from the registry until it refreshes")]
    private static partial void LogPushFailed(ILogger logger, Exception exception, Guid frontId, Guid noticeId);
}
