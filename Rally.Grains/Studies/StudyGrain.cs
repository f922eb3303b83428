using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Rally.Grains.Deletions;
using Rally.Grains.Demographics;
using Rally.Grains.Ingestion;
using Rally.Grains.Notices;
using Rally.Grains.Privacy;
using Rally.Grains.Refusals;
using Rally.Grains.Storage;

namespace Rally.Grains.Studies;

[GrainType("study")]
internal sealed partial class StudyGrain(
    [PersistentState("study", StorageNames.Rally)] IPersistentState<StudyState> store,
    [FromKeyedServices(StudyClock.Key)] TimeProvider clock,
    IOptions<StudyOptions> options,
    IOptions<PrivacyOptions> privacy,
    ILogger<StudyGrain> logger) : Grain, IStudyGrain, IRemindable
{
    /// <summary>How often the scheduled end and the outbox are retried by their reminders when a try failed.</summary>
    private static readonly TimeSpan RetryPeriod = TimeSpan.FromMinutes(1);

    private StudyState State => store.State;

    private string StudyId => this.GetPrimaryKeyString();

    public async Task<StudyView> DraftAsync(StudyCard card)
    {
        if (State.Lifecycle != StudyLifecycle.None)
        {
            throw new RefusedException(RefusalKind.AlreadyExists, $"A study with id '{StudyId}' already exists.");
        }
        var now = clock.GetUtcNow();
        State.Lifecycle = StudyLifecycle.Draft;
        State.Card = card;
        State.CreatedAt = now;
        State.ConsentHistory = [new ConsentRecord(card.ConsentVersion, now)];
        await store.WriteStateAsync();
        return ToView();
    }

    public Task<StudyView?> GetAsync(CancellationToken cancellationToken) =>
        Task.FromResult(State.Lifecycle == StudyLifecycle.None ? null : ToView());

    public async Task<StudyView> PublishConsentAsync(ConsentUpdate update)
    {
        var card = EnsureExists();
        if (State.Lifecycle is not StudyLifecycle.Draft && !IsOpen)
        {
            throw new RefusedException(RefusalKind.InvalidTransition, $"Study '{StudyId}' is {Describe(State.Lifecycle)}; its consent can no longer change.");
        }
        if (State.ConsentHistory.Any(c => c.Version == update.ConsentVersion))
        {
            throw new RefusedException(RefusalKind.AlreadyExists, $"Consent version '{update.ConsentVersion}' was already published for study '{StudyId}'.");
        }
        if (State.ConsentHistory.Count >= options.Value.MaxConsentVersions)
        {
            throw new RefusedException(RefusalKind.LimitReached,
                $"Study '{StudyId}' has published {State.ConsentHistory.Count} consent versions, the most this deployment allows (Rally:Studies:MaxConsentVersions).");
        }
        State.Card = card with
        {
            ConsentVersion = update.ConsentVersion,
            DataCollected = update.DataCollected ?? card.DataCollected,
        };
        var now = clock.GetUtcNow();
        State.ConsentHistory.Add(new ConsentRecord(update.ConsentVersion, now));
        return await SaveAndPublishAsync(StudyNotices.ConsentChanged(StudyId, State.Card, State.EndsAt, now));
    }

    public Task<StudyView> LaunchAsync() => MoveAsync([StudyLifecycle.Draft], StudyLifecycle.Enrolling, now => State.LaunchedAt = now);

    public async Task<StudyView> AnnounceEndAsync(DateTimeOffset endsAt)
    {
        EnsureExists();
        if (!IsOpen)
        {
            throw new RefusedException(RefusalKind.InvalidTransition, $"Only an enrolling or paused study can announce its end; study '{StudyId}' is {Describe(State.Lifecycle)}.");
        }
        var now = clock.GetUtcNow();
        if (endsAt <= now)
        {
            throw new RefusedException(RefusalKind.InvalidRequest, "endsAt must be in the future.");
        }
        State.EndsAt = endsAt;
        // Scheduled before the notice goes out: once participants are told, the end must happen.
        await ScheduleEndAsync(endsAt);
        return await SaveAndPublishAsync(StudyNotices.Ending(StudyId, State.Card!, endsAt, now));
    }

    public async Task<StudyView> EndAsync()
    {
        // A paused study ends as an enrolling one does: it was open, and its data is locked from now on.
        var view = await MoveAsync([StudyLifecycle.Enrolling, StudyLifecycle.Paused], StudyLifecycle.Ended, now =>
        {
            State.EndedAt = now;
            // Requests of participants who left while the study was open keep their course; the data of
            // everyone else is locked until the analysis completes.
        }, now => StudyNotices.Ended(StudyId, State.Card!, State.EndsAt, now));
        await CancelScheduledEndAsync();
        return view;
    }

    public async Task<StudyView> CompleteAnalysisAsync()
    {
        if (State.Lifecycle == StudyLifecycle.Ended)
        {
            // The shared profiles go before the move is stored: a failure leaves the study ended, to be completed again.
            await Demographics.PurgeAsync();
        }
        var view = await MoveAsync([StudyLifecycle.Ended], StudyLifecycle.AnalysisComplete, now => State.AnalysisCompletedAt = now);
        // The move is stored first; the ledger then drops the raw data, retrying until it is gone.
        await Ledger.CompleteAnalysisAsync(State.Card!.Name);
        return view;
    }

    public async Task EnrollAsync(Guid participantId, string consentVersion, bool privateBrowsingAcknowledged)
    {
        var card = State.Lifecycle is StudyLifecycle.None or StudyLifecycle.Draft
            ? throw StudyRefusals.NotOpen(StudyId)
            : State.Card!;
        if (State.Lifecycle == StudyLifecycle.Paused)
        {
            throw StudyRefusals.Paused(StudyId);
        }
        if (State.Lifecycle != StudyLifecycle.Enrolling)
        {
            throw new RefusedException(RefusalKind.StudyNotEnrolling, $"Study '{StudyId}' is {Describe(State.Lifecycle)} and no longer enrolling.");
        }
        if (consentVersion != card.ConsentVersion)
        {
            throw new RefusedException(RefusalKind.ConsentVersionMismatch,
                $"The current consent of study '{StudyId}' is version '{card.ConsentVersion}'; consent to it to enroll.");
        }
        if (card.CollectsInPrivateBrowsing && !privateBrowsingAcknowledged)
        {
            throw new RefusedException(RefusalKind.PrivateBrowsingNotAcknowledged,
                $"Study '{StudyId}' collects data in private browsing windows; acknowledge its warning (privateBrowsingAcknowledged) to enroll.");
        }
        var bucket = IStudyRosterGrain.BucketOf(participantId);
        var count = await Bucket(bucket).EnrollAsync(participantId, consentVersion);
        _rosterChanges++;
        _enrolled?.Add(participantId);
        if (Counted(bucket, count))
        {
            await store.WriteStateAsync();
            await PublishParticipationAsync();
        }
    }

    public async Task<DeletionReceipt> LeaveAsync(LeaveCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        // The profile it shared goes first: should that fail, the participant sends the request again.
        await Demographics.WithdrawAsync(command.Pseudonym);
        // Collection stops at once: the participant no longer counts as enrolled.
        var bucket = IStudyRosterGrain.BucketOf(command.ParticipantId);
        var count = await Bucket(bucket).RemoveAsync(command.ParticipantId);
        _rosterChanges++;
        _enrolled?.Remove(command.ParticipantId);
        if (Counted(bucket, count))
        {
            await store.WriteStateAsync();
            await PublishParticipationAsync();
        }
        // The ledger finds the data by pseudonym; it may write to the participant only while it is in Rally, and then
        // names the study by its card's name (given here: the ledger never calls the study, which waits on it).
        return await Ledger.RequestAsync(new DeletionRequest(
            command.DeletionId, command.Pseudonym, command.InRally ? command.ParticipantId : null, State.Lifecycle, State.Card?.Name));
    }

    public Task<StudyIngestionRules> GetIngestionRulesAsync()
    {
        var card = EnsureExists();
        return Task.FromResult(new StudyIngestionRules(
            State.Lifecycle, card.ConsentVersion, [.. card.DataCollected.Select(d => d.Type)], card.CollectsInPrivateBrowsing, card.EncryptionKey.Kid));
    }

    private async Task<StudyView> MoveAsync(StudyLifecycle[] from, StudyLifecycle to, Action<DateTimeOffset> apply, Func<DateTimeOffset, Notice>? notice = null)
    {
        EnsureExists();
        if (!from.Contains(State.Lifecycle))
        {
            throw new RefusedException(RefusalKind.InvalidTransition,
                $"Study '{StudyId}' is {Describe(State.Lifecycle)}; only a study that is {string.Join(" or ", from.Select(Describe))} can become {Describe(to)}.");
        }
        State.Lifecycle = to;
        var now = clock.GetUtcNow();
        apply(now);
        return await SaveAndPublishAsync(notice?.Invoke(now));
    }

    /// <summary>
    /// Stores the change (and the notice it causes, in the outbox, in the same write), then publishes the card and
    /// sends the notice on its way; the caller does not wait for every inbox (see <see cref="StartDeliveryAsync"/>).
    /// </summary>
    private async Task<StudyView> SaveAndPublishAsync(Notice? notice = null)
    {
        if (notice is not null && EnrolledCount > 0)
        {
            State.Outbox.Add(notice);
        }
        await store.WriteStateAsync();
        var view = ToView();
        // The notice goes out while the catalogue takes the change: neither waits on the other's database write.
        var publish = GrainFactory.GetGrain<IStudyCatalogGrain>(IStudyCatalogGrain.Key).PublishAsync(view);
        try
        {
            await StartDeliveryAsync();
        }
        finally
        {
            await publish;
        }
        return view;
    }

    /// <summary>
    /// The catalogue shows how many take part (suppressed below k at the edge), so it gets each new count. Should this
    /// fail, the caller's retry finds the count unchanged; the study's next change or count brings the catalogue up to date.
    /// </summary>
    private Task PublishParticipationAsync() =>
        GrainFactory.GetGrain<IStudyCatalogGrain>(IStudyCatalogGrain.Key).PublishAsync(ToView());

    /// <summary>Both reminders of a study (<see cref="EndReminder"/>, <see cref="OutboxReminder"/>) arrive here.</summary>
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        switch (reminderName)
        {
            case EndReminder:
                await EndIfDueAsync();
                break;
            case OutboxReminder when State.Outbox.Count > 0:
                if (!_draining)
                {
                    ScheduleDrain();
                }
                break;
            default:
                await UnregisterAsync(reminderName);
                break;
        }
    }

    private async Task UnregisterAsync(string reminderName)
    {
        if (await this.GetReminder(reminderName) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    /// <summary>Launched and not yet ended: enrolling, or paused (which is still open: leaving deletes, the end may come).</summary>
    private bool IsOpen => State.Lifecycle is StudyLifecycle.Enrolling or StudyLifecycle.Paused;
    private IStudyDemographicsGrain Demographics => GrainFactory.GetGrain<IStudyDemographicsGrain>(StudyId);

    private IDeletionLedgerGrain Ledger => GrainFactory.GetGrain<IDeletionLedgerGrain>(StudyId);

    private StudyCard EnsureExists() =>
        State.Lifecycle == StudyLifecycle.None
            ? throw new RefusedException(RefusalKind.NotFound, $"No study '{StudyId}'.")
            : State.Card!;

    private StudyView ToView() => new(
        StudyId, State.Card!, State.Lifecycle, State.CreatedAt, State.LaunchedAt, State.EndsAt,
        State.EndedAt, State.AnalysisCompletedAt, EnrolledCount);

    private static string Describe(StudyLifecycle lifecycle) => lifecycle switch
    {
        StudyLifecycle.Draft => "a draft",
        StudyLifecycle.Enrolling => "enrolling",
        StudyLifecycle.Paused => "paused",
        StudyLifecycle.Ended => "ended",
        StudyLifecycle.AnalysisComplete => "analysis-complete",
        _ => "not drafted",
    };
}
