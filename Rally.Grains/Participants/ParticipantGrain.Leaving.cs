using Microsoft.Extensions.Logging;
using Rally.Grains.Deletions;
using Rally.Grains.Notices;
using Rally.Grains.Refusals;
using Rally.Grains.Studies;

namespace Rally.Grains.Participants;

/// <summary>Leaving a study or Rally: the requests recorded first, then carried out, and retried by reminder until done.</summary>
internal sealed partial class ParticipantGrain
{
    /// <summary>Retries what leaving (a study or Rally) left unconfirmed, until the studies and the inbox have it; and the panel's figures.</summary>
    private const string LeavingReminder = "leaving";

    public Task ReceiveReminder(string reminderName, TickStatus status) => CarryOutAsync();

    public async Task<DeletionReceipt> LeaveStudyAsync(string studyId, Guid deletionId, CancellationToken cancellationToken)
    {
        EnsureActive();
        if (State.Deletions.TryGetValue(deletionId, out var sent) && sent.StudyId == studyId)
        {
            // The same leave sent again: it took effect; the study and its ledger answer by the request's id.
            return sent.DataDeletion is { } done ? new DeletionReceipt(studyId, deletionId, done) : await TryConfirmAsync(deletionId, sent);
        }
        if (!State.Enrollments.TryGetValue(studyId, out var enrollment))
        {
            throw StudyRefusals.NotEnrolled(studyId);
        }
        // The reminder first, then the request, recorded before the study is told: whatever fails after this
        // write, the request is sent again until the study has it.
        await EnsureReminderAsync();
        State.Enrollments.Remove(studyId);
        _recentUploads.Remove(studyId);
        var record = new DeletionRecord(studyId, clock.GetUtcNow(), null, pseudonyms.For(ParticipantId, studyId, enrollment.Enrollment), EnrolledAt: enrollment.EnrolledAt);
        State.Deletions[deletionId] = record;
        await store.WriteStateAsync(CancellationToken.None);
        var receipt = await TryConfirmAsync(deletionId, record);
        await FeedPanelAsync();
        await SaveProgressAsync();
        return receipt;
    }

    public async Task<LeaveRallyResult> LeaveRallyAsync()
    {
        EnsureActive();
        var now = clock.GetUtcNow();
        var requests = State.Enrollments.ToDictionary(
            _ => Guid.NewGuid(),
            e => new DeletionRecord(e.Key, now, null, pseudonyms.For(ParticipantId, e.Key, e.Value.Enrollment)));
        foreach (var (deletionId, unsent) in State.Deletions.Where(d => d.Value.DataDeletion is null))
        {
            requests[deletionId] = unsent;
        }
        // Earlier requests' ledgers may hold this id, to tell the participant when they complete: they forget it.
        var forget = State.Deletions.ToDictionary(d => d.Key, d => d.Value.StudyId);

        // The reminder first; then one write makes the token useless, removes every personal field and records
        // what is left to do, which is carried out now and retried by the reminder until done, whatever fails.
        await EnsureReminderAsync();
        _recentUploads.Clear();
        store.State = new ParticipantState { Status = ParticipantStatus.Left, LeftAt = now, Deletions = requests, Forget = forget, InboxOpen = true, PanelFeed = State.PanelFeed };
        await store.WriteStateAsync();
        var receipts = await CarryOutAsync();
        await CloseNoticeConnectionsAsync();
        return new LeaveRallyResult(now, receipts);
    }

    public async Task DeletionCompletedAsync(Guid deletionId, DateTimeOffset completedAt)
    {
        if (State.Deletions.TryGetValue(deletionId, out var record) && record.CompletedAt is null)
        {
            // Completed means recorded: nothing is left to send, should the study's receipt not have arrived.
            State.Deletions[deletionId] = record with { DataDeletion = record.DataDeletion ?? DataDeletion.Deleted, Pseudonym = null, CompletedAt = completedAt };
            await store.WriteStateAsync();
        }
    }

    /// <summary>Live connections were opened with a token that no longer works: they are closed too (the fan-out calls no participant).</summary>
    private async Task CloseNoticeConnectionsAsync()
    {
        try
        {
            await GrainFactory.GetGrain<INoticeFanOutGrain>(INoticeFanOutGrain.Key).DisconnectAsync(ParticipantId);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A participant who left: nothing more reaches them (the inbox is closed, the participant is in no study).
            // One who replaced its token: the connections live on until they next reconnect, with the old token, and are refused.
            LogDisconnectFailed(logger, ex);
        }
    }

    /// <summary>
    /// Tells the study of a request; on success the record keeps only the outcome (a tombstone not even that),
    /// on failure it stays for the reminder and the answer is <see cref="DataDeletion.Pending"/>. Not written here.
    /// </summary>
    private async Task<DeletionReceipt> TryConfirmAsync(Guid deletionId, DeletionRecord record)
    {
        try
        {
            var left = State.Status == ParticipantStatus.Left;
            var receipt = await GrainFactory.GetGrain<IStudyGrain>(record.StudyId).LeaveAsync(
                new LeaveCommand(ParticipantId, deletionId, record.Pseudonym ?? pseudonyms.For(ParticipantId, record.StudyId, null), InRally: !left));
            if (left)
            {
                // A tombstone keeps no trace of which studies the participant was in once they have the request.
                State.Deletions.Remove(deletionId);
            }
            else
            {
                State.Deletions[deletionId] = record with { DataDeletion = receipt.DataDeletion, Pseudonym = null };
            }
            return receipt;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogDeletionDeferred(logger, ex, deletionId);
            return new DeletionReceipt(record.StudyId, deletionId, DataDeletion.Pending);
        }
    }

    private async Task TryAsync(Func<Task> step, Action done)
    {
        try
        {
            await step();
            done();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogLeavingStepDeferred(logger, ex);
        }
    }

    /// <summary>
    /// One pass over what is left to do (leaving Rally, the reminder, an activation), the studies told at once; returns
    /// what each study answered the requests sent. The reminder goes once nothing is left.
    /// </summary>
    private async Task<DeletionReceipt[]> CarryOutAsync()
    {
        var receipts = await Task.WhenAll(State.Deletions.Where(d => d.Value.DataDeletion is null).ToArray()
            .Select(d => TryConfirmAsync(d.Key, d.Value)));
        if (State.InboxOpen)
        {
            await TryAsync(() => Inbox.CloseAsync(), () => State.InboxOpen = false);
        }
        await Task.WhenAll(State.Forget.ToArray().Select(f => TryAsync(
            () => GrainFactory.GetGrain<IDeletionLedgerGrain>(f.Value).ForgetAsync(f.Key), () => State.Forget.Remove(f.Key))));
        await FeedPanelAsync();
        await SaveProgressAsync();
        return receipts;
    }

    /// <summary>Writes what was confirmed, then drops the reminder when nothing is left; a failure leaves both for the next tick.</summary>
    private async Task SaveProgressAsync()
    {
        try
        {
            await store.WriteStateAsync();
            if (!State.HasWork() && await this.GetReminder(LeavingReminder) is { } reminder)
            {
                await this.UnregisterReminder(reminder);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogLeavingStepDeferred(logger, ex);
        }
    }

    private async Task EnsureReminderAsync() =>
        await this.RegisterOrUpdateReminder(LeavingReminder, deletionOptions.Value.RetryPeriod, deletionOptions.Value.RetryPeriod);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "Closing the live connections of a participant who left or replaced its token failed")]
    private static partial void LogDisconnectFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning, Message = "Deletion request {DeletionId} could not be sent to its study now; it is retried by reminder")]
    private static partial void LogDeletionDeferred(ILogger logger, Exception exception, Guid deletionId);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning, Message = "A step of leaving could not be completed now; it is retried by reminder")]
    private static partial void LogLeavingStepDeferred(ILogger logger, Exception exception);
}
