using Microsoft.Extensions.Logging;
using Orleans.Streams;
using Orleans.Streams.Core;

namespace Rally.Grains.Ingestion;

/// <summary>
/// Writes one study stream's uploaded batches into the study's own store. The pulling agent hands over
/// several queued batches at once (<c>Rally:Streams:DeliveryBatchSize</c>); the silo's
/// <see cref="StudyEventWriter"/> stores them with other sinks' batches in one transaction, and the delivery
/// completes only after that commits, so the stream redelivers anything not yet stored. The store ignores
/// event ids it already holds, so redelivery never duplicates.
/// </summary>
[ImplicitStreamSubscription(RallyStreams.StudyEventsNamespace), GrainType("study-sink")]
internal sealed partial class StudySinkGrain(StudyEventWriter writer, ILogger<StudySinkGrain> logger)
    : Grain, IStudySinkGrain, IStreamSubscriptionObserver, IAsyncBatchObserver<EventBatch>
{
    public async Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory)
    {
        ArgumentNullException.ThrowIfNull(handleFactory);
        await handleFactory.Create<EventBatch>().ResumeAsync(this);
    }

    public Task OnNextAsync(IList<SequentialItem<EventBatch>> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        var batches = new EventBatch[items.Count];
        for (var i = 0; i < batches.Length; i++)
        {
            batches[i] = items[i].Item;
        }
        return writer.WriteAsync(batches);
    }

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex)
    {
        LogStreamError(logger, ex, this.GetPrimaryKeyString());
        return Task.CompletedTask;
    }

    [LoggerMessage(EventId = 3002, Level = LogLevel.Error, Message = "Study stream {StreamKey}: the event stream reported an error")]
    private static partial void LogStreamError(ILogger logger, Exception exception, string streamKey);
}
