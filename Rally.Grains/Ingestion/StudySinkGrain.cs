using Microsoft.Extensions.Logging;
using Orleans.Streams;
using Orleans.Streams.Core;

namespace Rally.Grains.Ingestion;

/// <summary>
/// Writes a study's uploaded batches into the study's own store. Each stream item is written before its
/// delivery completes, so the stream redelivers anything not yet stored; the store ignores event ids it
/// already holds, so redelivery never duplicates.
/// </summary>
[ImplicitStreamSubscription(RallyStreams.StudyEventsNamespace), GrainType("study-sink")]
internal sealed partial class StudySinkGrain(IStudyEventStore store, ILogger<StudySinkGrain> logger)
    : Grain, IStudySinkGrain, IStreamSubscriptionObserver, IAsyncObserver<EventBatch>
{
    public async Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory)
    {
        ArgumentNullException.ThrowIfNull(handleFactory);
        await handleFactory.Create<EventBatch>().ResumeAsync(this);
    }

    public async Task OnNextAsync(EventBatch item, StreamSequenceToken? token = null)
    {
        ArgumentNullException.ThrowIfNull(item);
        var added = await store.AppendAsync(item);
        LogStored(logger, item.StudyId, added, item.Events.Length - added);
    }

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex)
    {
        LogStreamError(logger, ex, this.GetPrimaryKeyString());
        return Task.CompletedTask;
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Debug, Message = "Study {StudyId}: stored {Added} events, {Duplicates} already held")]
    private static partial void LogStored(ILogger logger, string studyId, int added, int duplicates);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Error, Message = "Study {StudyId}: the event stream reported an error")]
    private static partial void LogStreamError(ILogger logger, Exception exception, string studyId);
}
