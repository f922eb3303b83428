using Microsoft.Extensions.Logging;
using Rally.Grains.Notices;

namespace Rally.Grains.Studies;

/// <summary>
/// The study's outbox of notices: a notice is stored with the change that causes it (one write); the fan-out (which
/// never calls back into the study) pushes it to the fronts and writes every enrolled participant's inbox; a reminder
/// retries until the outbox is empty.
/// </summary>
internal sealed partial class StudyGrain
{
    private const string OutboxReminder = "notice-outbox";

    /// <summary>
    /// Delivers the outbox, oldest first, to everyone enrolled now; on failure the reminder retries. The first notice
    /// is on its way (pushed to the fronts) while the reminder is registered: participants hear it one database write
    /// sooner, and the reminder is in place before its inboxes are written and the notice leaves the outbox.
    /// </summary>
    private async Task DeliverOutboxAsync()
    {
        if (State.Outbox.Count == 0)
        {
            return;
        }
        var fanOut = GrainFactory.GetGrain<INoticeFanOutGrain>(INoticeFanOutGrain.Key);
        var delivery = fanOut.DeliverAsync(State.Outbox[0], [.. State.Enrolled.Keys]);
        try
        {
            await this.RegisterOrUpdateReminder(OutboxReminder, RetryPeriod, RetryPeriod);
        }
        catch
        {
            // The notice stays in the outbox; the caller sees the failure and its retry delivers again (by notice id).
            delivery.Ignore();
            throw;
        }
        try
        {
            while (true)
            {
                await delivery;
                State.Outbox.RemoveAt(0);
                await store.WriteStateAsync();
                if (State.Outbox.Count == 0)
                {
                    break;
                }
                delivery = fanOut.DeliverAsync(State.Outbox[0], [.. State.Enrolled.Keys]);
            }
            await UnregisterAsync(OutboxReminder);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The change itself is stored; its notices stay in the outbox for the reminder.
            LogDeliveryDeferred(logger, exception, StudyId);
        }
    }

    [LoggerMessage(EventId = 2103, Level = LogLevel.Warning, Message = "Study {StudyId}: notices could not be delivered now; retried by reminder")]
    private static partial void LogDeliveryDeferred(ILogger logger, Exception exception, string studyId);
}
