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
    /// Set while a drain runs (<see cref="ScheduleDrain"/>); it delivers what is added meanwhile, and is cleared in the
    /// same turn that finds the outbox empty, so a notice added later always starts a drain of its own.
    /// </summary>
    private bool _draining;

    private IGrainTimer? _drain;

    /// <summary>
    /// Sends the outbox's first notice on its way and answers once the retrying reminder is in place, not once every
    /// inbox has it: the caller (an operator ending a study of 10,000 participants) is not held for the fan-out. The
    /// first notice is pushed while the reminder is registered (participants hear it one database write sooner).
    /// </summary>
    private async Task StartDeliveryAsync()
    {
        if (State.Outbox.Count == 0 || _draining)
        {
            return;
        }
        var first = State.Outbox[0];
        var delivery = DeliverToEnrolledAsync(first);
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
        ScheduleDrain(first, delivery);
    }

    /// <summary>
    /// Delivers the outbox, oldest first, to everyone enrolled at each notice's turn (beginning with
    /// <paramref name="first"/>, already under way, if given), in a timer that interleaves: the study keeps answering
    /// (its card, enrollments, uploads' rules) while thousands of inboxes are written. Each notice leaves the outbox in
    /// an ordinary turn (<see cref="OutboxDeliveredAsync"/>), so state is never written from two turns at once. On
    /// failure the reminder retries; a grain activated with notices left delivers them at once.
    /// </summary>
    private void ScheduleDrain(Notice? first = null, Task? started = null)
    {
        _draining = true;
        _drain?.Dispose();
        _drain = this.RegisterGrainTimer(async _ =>
        {
            try
            {
                var notice = first ?? State.Outbox.FirstOrDefault();
                var delivery = started;
                while (notice is not null)
                {
                    await (delivery ?? DeliverToEnrolledAsync(notice));
                    notice = await this.AsReference<IStudyGrain>().OutboxDeliveredAsync(notice.Id);
                    delivery = null;
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // The change itself is stored; its notices stay in the outbox for the reminder.
                _draining = false;
                LogDeliveryDeferred(logger, exception, StudyId);
            }
        }, new GrainTimerCreationOptions(TimeSpan.Zero, Timeout.InfiniteTimeSpan) { Interleave = true });
    }

    public async Task<Notice?> OutboxDeliveredAsync(Guid noticeId)
    {
        if (State.Outbox.RemoveAll(n => n.Id == noticeId) > 0)
        {
            await store.WriteStateAsync();
        }
        if (State.Outbox.Count > 0)
        {
            return State.Outbox[0];
        }
        _draining = false;
        await UnregisterAsync(OutboxReminder);
        return null;
    }

    private async Task DeliverToEnrolledAsync(Notice notice) =>
        await GrainFactory.GetGrain<INoticeFanOutGrain>(INoticeFanOutGrain.Key).DeliverAsync(notice, await EnrolledIdsAsync());

    [LoggerMessage(EventId = 2103, Level = LogLevel.Warning, Message = "Study {StudyId}: notices could not be delivered now; retried by reminder")]
    private static partial void LogDeliveryDeferred(ILogger logger, Exception exception, string studyId);
}
