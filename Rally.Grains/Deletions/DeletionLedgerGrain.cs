using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Rally.Grains.Ingestion;
using Rally.Grains.Notices;
using Rally.Grains.Participants;
using Rally.Grains.Storage;
using Rally.Grains.Studies;

namespace Rally.Grains.Deletions;

[GrainType("deletion-ledger")]
internal sealed partial class DeletionLedgerGrain(
    [PersistentState("deletion-ledger", StorageNames.Rally)] IPersistentState<DeletionLedgerState> store,
    IStudyEventStore events,
    Pseudonyms pseudonyms,
    TimeProvider clock,
    IOptions<DeletionOptions> options,
    DeletionMetrics metrics,
    NoticeMetrics noticeMetrics,
    ILogger<DeletionLedgerGrain> logger) : Grain, IDeletionLedgerGrain, IRemindable
{
    private const string RetryReminder = "deletions";
    private IGrainTimer? _kick;

    private TimeSpan RetryPeriod => options.Value.RetryPeriod;

    private DeletionLedgerState State => store.State;

    private string StudyId => this.GetPrimaryKeyString();

    private bool HasWork => (State.DropRequestedAt is not null && State.DroppedAt is null)
        || State.Entries.Values.Any(e => e.Status == DeletionStatus.Pending);

    /// <summary>
    /// Work left by an activation that died (a silo killed mid-way) resumes as soon as the ledger is active again,
    /// whoever woke it: the reminder, or a participant asking after its request.
    /// </summary>
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (HasWork)
        {
            Kick();
        }
        return Task.CompletedTask;
    }

    public async Task<DeletionReceipt> RequestAsync(DeletionRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var deletionId = request.DeletionId;
        var named = Learn(request.StudyName);
        if (!State.Entries.TryGetValue(deletionId, out var entry))
        {
            var now = clock.GetUtcNow();
            entry = request.Lifecycle switch
            {
                StudyLifecycle.Ended => new LedgerEntry(request.NoticeTo, DataDeletion.Locked, DeletionStatus.Locked, now, null, Pseudonym: request.Pseudonym),
                // Raw data of a study whose analysis completed is already gone.
                StudyLifecycle.AnalysisComplete => new LedgerEntry(null, DataDeletion.Deleted, DeletionStatus.Completed, now, now, 0),
                // Enrolling or paused: the study is open, so the data is deleted.
                _ => new LedgerEntry(request.NoticeTo, DataDeletion.Deleted, DeletionStatus.Pending, now, null, Pseudonym: request.Pseudonym),
            };
            State.Entries[deletionId] = entry;
            var compacted = Compact();
            try
            {
                await store.WriteStateAsync();
            }
            catch
            {
                // Not recorded, so not acknowledged: nothing may be carried out for it (the caller asks again).
                State.Entries.Remove(deletionId);
                Restore(compacted);
                throw;
            }
            metrics.Requested(entry.Status);
            if (entry.Status == DeletionStatus.Pending)
            {
                await ScheduleAsync();
            }
        }
        else if (request.NoticeTo is null && entry.ParticipantId is not null)
        {
            // Sent again by a participant who has since left Rally: its id is not kept any longer.
            await ForgetAsync(deletionId);
        }
        else if (named)
        {
            await store.WriteStateAsync();
        }
        return new DeletionReceipt(StudyId, deletionId, entry.DataDeletion);
    }

    public async Task ForgetAsync(Guid deletionId)
    {
        if (State.Entries.TryGetValue(deletionId, out var entry) && entry.ParticipantId is { } participantId)
        {
            State.Entries[deletionId] = entry with
            {
                ParticipantId = null,
                Pseudonym = entry.Pseudonym ?? pseudonyms.For(participantId, StudyId, enrollment: null),
            };
            await store.WriteStateAsync();
        }
    }

    public Task<DeletionView?> GetAsync(Guid deletionId) =>
        Task.FromResult(State.Entries.TryGetValue(deletionId, out var e)
            ? new DeletionView(deletionId, StudyId, e.DataDeletion, e.Status, e.RequestedAt, e.CompletedAt, e.Status == DeletionStatus.Completed ? e.DeletedEvents : null)
            : null);

    public async Task CompleteAnalysisAsync(string? studyName)
    {
        // Stored before any notice goes out, so that a retry on another activation names the study too.
        var changed = Learn(studyName);
        if (State.DropRequestedAt is null)
        {
            State.DropRequestedAt = clock.GetUtcNow();
            changed = true;
        }
        if (changed)
        {
            await store.WriteStateAsync();
        }
        await ScheduleAsync();
    }

    /// <summary>
    /// Keeps the study's name as the study last gave it (the ledger never asks the study: the study waits on the ledger,
    /// and neither grain is reentrant); true when it changed, to be stored with the call's own write or on its own.
    /// </summary>
    private bool Learn(string? studyName)
    {
        if (studyName is null || studyName == State.StudyName)
        {
            return false;
        }
        State.StudyName = studyName;
        return true;
    }

    public Task<LedgerView> ListAsync() => ListPageAsync(null, int.MaxValue);

    public Task<LedgerView> ListPageAsync(string? after, int limit)
    {
        var from = after is null ? null : LedgerCursor.Parse(after);
        var ordered = State.Entries.Select(e => (Position: new LedgerCursor(e.Value.RequestedAt, e.Key), Entry: e.Value))
            .Where(e => from is null || e.Position.CompareTo(from) > 0)
            .Order()
            .ToList();
        var page = ordered.Take(limit).ToList();
        return Task.FromResult(new LedgerView(
            [.. page.Select(e => new LedgerEntryView(e.Position.DeletionId, e.Entry.DataDeletion, e.Entry.Status, e.Entry.RequestedAt, e.Entry.CompletedAt, e.Entry.DeletedEvents))],
            State.DropRequestedAt, State.DroppedAt,
            State.CompactedRequests + State.Entries.Values.Count(e => e.Status == DeletionStatus.Completed),
            State.CompactedDeletedEvents + State.Entries.Values.Sum(e => e.DeletedEvents ?? 0),
            ordered.Count > page.Count ? page[^1].Position.ToString() : null));
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) => ProcessAsync();

    /// <summary>A reminder retries until the work is done (across restarts); a timer starts it at once.</summary>
    private async Task ScheduleAsync()
    {
        await this.RegisterOrUpdateReminder(RetryReminder, RetryPeriod, RetryPeriod);
        Kick();
    }

    /// <summary>One try, now; a half-done deletion is simply finished by the next try.</summary>
    private void Kick()
    {
        _kick?.Dispose();
        _kick = this.RegisterGrainTimer(_ => ProcessAsync(), new GrainTimerCreationOptions(TimeSpan.Zero, Timeout.InfiniteTimeSpan));
    }

    private async Task ProcessAsync()
    {
        try
        {
            if (State.DropRequestedAt is not null && State.DroppedAt is null)
            {
                await events.DropStudyAsync(StudyId);
                State.DroppedAt = clock.GetUtcNow();
                await store.WriteStateAsync();
                LogStudyDropped(logger, StudyId);
            }
            var due = State.Entries
                .Where(e => e.Value.Status == DeletionStatus.Pending || (State.DroppedAt is not null && e.Value.Status == DeletionStatus.Locked))
                .ToArray();
            foreach (var (deletionId, entry) in due)
            {
                var deleted = State.DroppedAt is null
                    ? await events.DeleteParticipantAsync(StudyId, PseudonymOf(entry), deletionId)
                    : 0;
                var completedAt = clock.GetUtcNow();
                if (entry.ParticipantId is { } participantId)
                {
                    await NotifyAsync(deletionId, participantId);
                    // One-way, so no cycle with a participant that is waiting on this ledger; should it be lost, the
                    // participant still reads a request the ledger recorded and no longer lists as completed.
                    await GrainFactory.GetGrain<IParticipantGrain>(participantId).DeletionCompletedAsync(deletionId, completedAt);
                }
                State.Entries[deletionId] = entry with
                {
                    ParticipantId = null,
                    Pseudonym = null,
                    Status = DeletionStatus.Completed,
                    CompletedAt = completedAt,
                    DeletedEvents = entry.Status == DeletionStatus.Locked ? null : deleted,
                };
                Compact();
                await store.WriteStateAsync();
                metrics.Completed(entry.Status, entry.RequestedAt, completedAt);
                LogDeletionCompleted(logger, StudyId, deletionId, deleted);
            }
            if (await this.GetReminder(RetryReminder) is { } reminder)
            {
                await this.UnregisterReminder(reminder);
            }
        }
        catch (Exception ex)
        {
            // The reminder is still registered: the work is tried again after RetryPeriod, here or on another silo.
            metrics.Deferred();
            LogDeletionDeferred(logger, ex, StudyId);
        }
    }

    /// <summary>
    /// Drops the oldest completed entries past <see cref="DeletionOptions.MaxCompletedEntries"/>, counting them in the
    /// totals; returns them, so that a write that failed can put them back.
    /// </summary>
    private KeyValuePair<Guid, LedgerEntry>[] Compact()
    {
        var completed = State.Entries.Where(e => e.Value.Status == DeletionStatus.Completed).ToArray();
        var excess = completed.Length - options.Value.MaxCompletedEntries;
        if (excess <= 0)
        {
            return [];
        }
        var dropped = completed.OrderBy(e => e.Value.CompletedAt).ThenBy(e => e.Value.RequestedAt).Take(excess).ToArray();
        foreach (var (deletionId, entry) in dropped)
        {
            State.Entries.Remove(deletionId);
            State.CompactedRequests++;
            State.CompactedDeletedEvents += entry.DeletedEvents ?? 0;
        }
        return dropped;
    }

    private void Restore(KeyValuePair<Guid, LedgerEntry>[] compacted)
    {
        foreach (var (deletionId, entry) in compacted)
        {
            State.Entries[deletionId] = entry;
            State.CompactedRequests--;
            State.CompactedDeletedEvents -= entry.DeletedEvents ?? 0;
        }
    }

    private string PseudonymOf(LedgerEntry entry) =>
        entry.Pseudonym ?? pseudonyms.For(entry.ParticipantId!.Value, StudyId, enrollment: null);

    /// <summary>
    /// Kept in the participant's inbox (awaited: the request completes only once the notice is recorded), then
    /// pushed live to it if connected, one-way, so that a slow or dead front never holds up the ledger. The
    /// notice's id is the request's, so a retried notice is kept once.
    /// </summary>
    private async Task NotifyAsync(Guid deletionId, Guid participantId)
    {
        var notice = StudyNotices.DataDeleted(deletionId, StudyId, State.StudyName, clock.GetUtcNow());
        await GrainFactory.GetGrain<INoticeInboxGrain>(participantId).AddAsync(notice);
        noticeMetrics.Sent(NoticeKind.DataDeleted, 1);
        await GrainFactory.GetGrain<INoticeFanOutGrain>(INoticeFanOutGrain.Key).PushAsync(notice, [participantId]);
    }

    [LoggerMessage(EventId = 3101, Level = LogLevel.Information, Message = "Study {StudyId}: deletion {DeletionId} completed ({Deleted} events deleted)")]
    private static partial void LogDeletionCompleted(ILogger logger, string studyId, Guid deletionId, long deleted);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Information, Message = "Study {StudyId}: all raw data dropped")]
    private static partial void LogStudyDropped(ILogger logger, string studyId);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Warning, Message = "Study {StudyId}: deletions could not be completed now; retried by reminder")]
    private static partial void LogDeletionDeferred(ILogger logger, Exception exception, string studyId);
}
