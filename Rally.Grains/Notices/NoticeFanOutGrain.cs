using Microsoft.Extensions.Logging;
using Orleans.Concurrency;

namespace Rally.Grains.Notices;

/// <summary>
/// Writes inboxes in chunks (<see cref="ChunkSize"/> calls at once per lane, <see cref="Lanes"/> lanes in parallel)
/// and pushes each chunk, once written, to every front. The fronts are read after the chunk is written: a front that
/// registered later holds only connections that read their inbox after the write, so nothing falls in between.
/// </summary>
[StatelessWorker, GrainType("notice-fan-out")]
internal sealed partial class NoticeFanOutGrain(ILogger<NoticeFanOutGrain> logger) : Grain, INoticeFanOutGrain
{
    public const int ChunkSize = 250;
    public const int Lanes = 4;

    public async Task DeliverAsync(Notice notice, Guid[] participantIds)
    {
        ArgumentNullException.ThrowIfNull(notice);
        ArgumentNullException.ThrowIfNull(participantIds);
        var chunks = participantIds.Distinct().Chunk(ChunkSize).ToArray();
        var pushes = new List<Task>();
        await Task.WhenAll(Enumerable.Range(0, Math.Min(Lanes, chunks.Length)).Select(async lane =>
        {
            for (var i = lane; i < chunks.Length; i += Lanes)
            {
                var chunk = chunks[i];
                await Task.WhenAll(chunk.Select(id => GrainFactory.GetGrain<INoticeInboxGrain>(id).AddAsync(notice)));
                var fronts = await GrainFactory.GetGrain<INoticeFrontRegistryGrain>(INoticeFrontRegistryGrain.Key).ListAsync();
                var delivery = new NoticeDelivery(notice, chunk);
                // The activation runs one turn at a time, so the list is never touched concurrently.
                pushes.AddRange(fronts.Select(f => PushAsync(f, delivery)));
            }
        }));
        await Task.WhenAll(pushes);
    }

    /// <summary>
    /// A failed push loses nothing (the notice is in the inbox and replayed at the next connection); the front is
    /// dropped from the registry and registers again at its next refresh if it is still alive.
    /// </summary>
    private async Task PushAsync(NoticeFrontEntry entry, NoticeDelivery delivery)
    {
        try
        {
            await entry.Front.DeliverAsync(delivery);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogPushFailed(logger, exception, entry.FrontId, delivery.Notice.Id);
            await GrainFactory.GetGrain<INoticeFrontRegistryGrain>(INoticeFrontRegistryGrain.Key).UnregisterAsync(entry.FrontId);
        }
    }

    [LoggerMessage(EventId = 5101, Level = LogLevel.Warning, Message = "Front {FrontId} did not take notice {NoticeId}; dropped from the registry until it refreshes")]
    private static partial void LogPushFailed(ILogger logger, Exception exception, Guid frontId, Guid noticeId);
}
