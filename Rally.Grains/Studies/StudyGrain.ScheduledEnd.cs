using Microsoft.Extensions.Logging;

namespace Rally.Grains.Studies;

/// <summary>
/// The study's scheduled end: a durable reminder due at <c>endsAt</c> (it survives restarts and reactivates the
/// grain), and, while the grain is active and the end is near, a timer on the study clock that ends it on time even
/// when <c>endsAt</c> is sooner than the reminder service's minimum period. Both call <see cref="EndIfDueAsync"/>
/// through the grain's own reference, so the end runs as an ordinary request, never inside a timer turn. A paused
/// study keeps its scheduled end: pausing stops collection, not the study's course.
/// </summary>
internal sealed partial class StudyGrain
{
    private const string EndReminder = "scheduled-end";

    /// <summary>Timers are armed only this close to the end; further out, the reminder wakes the grain first.</summary>
    private static readonly TimeSpan TimerHorizon = TimeSpan.FromHours(1);

    private ITimer? _endTimer;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await MoveRosterAsync();
        ArmEndTimer();
        if (State.Outbox.Count > 0)
        {
            ScheduleDrain();
        }
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _endTimer?.Dispose();
        return Task.CompletedTask;
    }

    public async Task EndIfDueAsync()
    {
        if (!IsOpen || State.EndsAt is not { } endsAt)
        {
            await CancelScheduledEndAsync();
            return;
        }
        if (endsAt > clock.GetUtcNow())
        {
            ArmEndTimer();
            return;
        }
        LogScheduledEnd(logger, StudyId, endsAt);
        await EndAsync();
    }

    private async Task ScheduleEndAsync(DateTimeOffset endsAt)
    {
        var due = endsAt - clock.GetUtcNow();
        await this.RegisterOrUpdateReminder(EndReminder, due > TimeSpan.Zero ? due : TimeSpan.Zero, RetryPeriod);
        ArmEndTimer();
    }

    private async Task CancelScheduledEndAsync()
    {
        _endTimer?.Dispose();
        _endTimer = null;
        await UnregisterAsync(EndReminder);
    }

    private void ArmEndTimer()
    {
        _endTimer?.Dispose();
        _endTimer = null;
        if (!IsOpen || State.EndsAt is not { } endsAt)
        {
            return;
        }
        var due = endsAt - clock.GetUtcNow();
        if (due > TimerHorizon)
        {
            return;
        }
        var self = this.AsReference<IStudyGrain>();
        _endTimer = clock.CreateTimer(_ => _ = FireEndAsync(self), null, due > TimeSpan.Zero ? due : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Runs off the grain's scheduler (a clock callback): it only sends the grain a request.</summary>
    private async Task FireEndAsync(IStudyGrain self)
    {
        try
        {
            await self.EndIfDueAsync();
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The reminder ends the study at its next tick.
            LogScheduledEndFailed(logger, exception, StudyId);
        }
    }

    [LoggerMessage(EventId = 2101, Level = LogLevel.Information, Message = "Study {StudyId}: ended as announced for {EndsAt}")]
    private static partial void LogScheduledEnd(ILogger logger, string studyId, DateTimeOffset endsAt);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Warning, Message = "Study {StudyId}: the scheduled end could not run now; its reminder retries")]
    private static partial void LogScheduledEndFailed(ILogger logger, Exception exception, string studyId);
}
