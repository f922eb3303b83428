using Microsoft.Extensions.Logging;
using Rally.Grains.Deletions;
using Rally.Grains.Ingestion;
using Rally.Grains.Notices;
using Rally.Grains.Platform;
using Rally.Grains.Refusals;
using Rally.Grains.Security;
using Rally.Grains.Storage;
using Rally.Grains.Studies;

namespace Rally.Grains.Participants;

[GrainType("participant")]
internal sealed partial class ParticipantGrain(
    [PersistentState("participant", StorageNames.Rally)] IPersistentState<ParticipantState> store,
    TimeProvider clock,
    Pseudonyms pseudonyms,
    ILogger<ParticipantGrain> logger) : Grain, IParticipantGrain
{
    private ParticipantState State => store.State;

    private Guid ParticipantId => this.GetPrimaryKey();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // A request the study never confirmed (a crash between our write and its) is sent again;
        // the study records it once by its id.
        foreach (var (deletionId, record) in State.Deletions.Where(d => d.Value.DataDeletion is null).ToArray())
        {
            try
            {
                await ConfirmDeletionAsync(deletionId, record);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogDeletionResendFailed(logger, ex, deletionId);
            }
        }
        await base.OnActivateAsync(cancellationToken);
    }

    public async Task JoinAsync(JoinCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (State.Status == ParticipantStatus.Active && SecretHash.Matches(State.TokenHash, command.TokenHash))
        {
            // The same join sent again (the front resends a call a stopping silo may have run): it took effect.
            return;
        }
        if (State.Status != ParticipantStatus.None)
        {
            throw new RefusedException(RefusalKind.AlreadyExists, "This participant has already joined.");
        }
        var platform = await GrainFactory.GetGrain<IPlatformGrain>(0).GetAsync();
        if (!command.ResidesInUnitedStates || !command.AgeAtLeast19)
        {
            throw new RefusedException(RefusalKind.NotEligible,
                $"Rally is open to residents of the {platform.Country} aged {platform.MinimumAge} or older; both attestations must be true.");
        }
        if (command.PlatformConsentVersion != platform.ConsentVersion)
        {
            throw new RefusedException(RefusalKind.ConsentVersionMismatch,
                $"The current platform consent is version '{platform.ConsentVersion}'; consent to it to join.");
        }
        var now = clock.GetUtcNow();
        State.Status = ParticipantStatus.Active;
        State.JoinedAt = now;
        State.EligibilityAttestedAt = now;
        State.PlatformConsentVersion = platform.ConsentVersion;
        State.TokenHash = command.TokenHash;
        await store.WriteStateAsync();
    }

    public ValueTask<bool> AuthenticateAsync(byte[] tokenHash) =>
        ValueTask.FromResult(State.Status == ParticipantStatus.Active && SecretHash.Matches(State.TokenHash, tokenHash));

    public async Task<ParticipantView> GetAsync()
    {
        EnsureActive();
        var studies = await Task.WhenAll(State.Enrollments.Keys.Select(id => GrainFactory.GetGrain<IStudyGrain>(id).GetAsync()));
        var current = studies.OfType<StudyView>().ToDictionary(s => s.StudyId, s => s.Card.ConsentVersion);
        var enrollments = State.Enrollments
            .OrderBy(e => e.Value.EnrolledAt)
            .Select(e => ToView(e.Key, e.Value, current.GetValueOrDefault(e.Key)))
            .ToArray();
        var notices = await Inbox.ListAsync();
        return new ParticipantView(ParticipantId, State.Status, State.JoinedAt!.Value, State.PlatformConsentVersion!, enrollments, State.Profile is not null, notices);
    }

    public ValueTask<DemographicProfile?> GetProfileAsync()
    {
        EnsureActive();
        return ValueTask.FromResult(State.Profile);
    }

    public async Task SetProfileAsync(DemographicProfile profile)
    {
        EnsureActive();
        State.Profile = profile;
        await store.WriteStateAsync();
    }

    public async Task<bool> DeleteProfileAsync()
    {
        EnsureActive();
        if (State.Profile is null)
        {
            return false;
        }
        State.Profile = null;
        await store.WriteStateAsync();
        return true;
    }

    public async Task<EnrollResult> EnrollAsync(EnrollCommand command)
    {
        EnsureActive();
        // The study checks its own rules (enrolling, current consent, private-browsing warning) first.
        await GrainFactory.GetGrain<IStudyGrain>(command.StudyId)
            .EnrollAsync(ParticipantId, command.ConsentVersion, command.PrivateBrowsingAcknowledged);

        var existing = State.Enrollments.GetValueOrDefault(command.StudyId);
        var record = new EnrollmentRecord(command.ConsentVersion, command.ShareDemographics, existing?.EnrolledAt ?? clock.GetUtcNow());
        if (record != existing)
        {
            State.Enrollments[command.StudyId] = record;
            await store.WriteStateAsync();
        }
        return new EnrollResult(existing is null, ToView(command.StudyId, record, command.ConsentVersion));
    }

    public async Task<DeletionReceipt> LeaveStudyAsync(string studyId, Guid deletionId)
    {
        EnsureActive();
        if (State.Deletions.TryGetValue(deletionId, out var sent) && sent.StudyId == studyId)
        {
            // The same leave sent again: it took effect; the study and its ledger answer by the request's id.
            return await ConfirmDeletionAsync(deletionId, sent);
        }
        if (!State.Enrollments.Remove(studyId))
        {
            throw StudyRefusals.NotEnrolled(studyId);
        }
        // Recorded before the study is told, so the request survives a crash in between.
        var record = new DeletionRecord(studyId, clock.GetUtcNow(), null);
        State.Deletions[deletionId] = record;
        await store.WriteStateAsync();
        return await ConfirmDeletionAsync(deletionId, record);
    }

    public async Task<LeaveRallyResult> LeaveRallyAsync()
    {
        EnsureActive();
        var now = clock.GetUtcNow();
        var requests = State.Enrollments.Keys.ToDictionary(_ => Guid.NewGuid(), studyId => new DeletionRecord(studyId, now, null));

        // One write makes the token useless, removes every personal field and records a deletion
        // request per study; the studies are told afterwards (and again on reactivation if that fails).
        store.State = new ParticipantState { Status = ParticipantStatus.Left, LeftAt = now, Deletions = requests };
        await store.WriteStateAsync();
        await Inbox.CloseAsync();

        var receipts = await Task.WhenAll(requests.Select(r => ConfirmDeletionAsync(r.Key, r.Value, write: false)));
        await store.WriteStateAsync();
        await CloseNoticeConnectionsAsync();
        return new LeaveRallyResult(now, receipts);
    }

    public async Task<DeletionView> GetDeletionAsync(Guid deletionId)
    {
        EnsureActive();
        var view = State.Deletions.TryGetValue(deletionId, out var record)
            ? await GrainFactory.GetGrain<IDeletionLedgerGrain>(record.StudyId).GetAsync(deletionId)
            : null;
        return view ?? throw new RefusedException(RefusalKind.NotFound, $"No deletion request '{deletionId}' of yours is on record.");
    }

    public async Task<UploadPermit> GetUploadPermitAsync(string studyId)
    {
        EnsureActive();
        if (!State.Enrollments.TryGetValue(studyId, out var enrollment))
        {
            throw StudyRefusals.NotEnrolled(studyId);
        }
        var rules = await GrainFactory.GetGrain<IStudyGrain>(studyId).GetIngestionRulesAsync();
        if (rules.State != StudyLifecycle.Enrolling)
        {
            throw new RefusedException(RefusalKind.StudyNotEnrolling, $"Study '{studyId}' no longer collects data.");
        }
        if (rules.ConsentVersion != enrollment.ConsentVersion)
        {
            throw new RefusedException(RefusalKind.ConsentVersionMismatch,
                $"Study '{studyId}' published consent version '{rules.ConsentVersion}'; consent to it again before sending more data.");
        }
        return new UploadPermit(pseudonyms.For(ParticipantId, studyId), rules);
    }

    public async Task<bool> AckNoticeAsync(Guid noticeId)
    {
        EnsureActive();
        return await Inbox.AckAsync(noticeId);
    }

    private INoticeInboxGrain Inbox => GrainFactory.GetGrain<INoticeInboxGrain>(ParticipantId);

    /// <summary>Live connections were opened with the token that no longer works: they are closed too (the fan-out calls no participant).</summary>
    private async Task CloseNoticeConnectionsAsync()
    {
        try
        {
            await GrainFactory.GetGrain<INoticeFanOutGrain>(INoticeFanOutGrain.Key).DisconnectAsync(ParticipantId);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Nothing more reaches them: the inbox is closed and the participant is in no study.
            LogDisconnectFailed(logger, ex);
        }
    }

    private async Task<DeletionReceipt> ConfirmDeletionAsync(Guid deletionId, DeletionRecord record, bool write = true)
    {
        var receipt = await GrainFactory.GetGrain<IStudyGrain>(record.StudyId).LeaveAsync(ParticipantId, deletionId);
        if (State.Status == ParticipantStatus.Left)
        {
            // A tombstone keeps no trace of which studies the participant was in once they have the request.
            State.Deletions.Remove(deletionId);
        }
        else
        {
            State.Deletions[deletionId] = record with { DataDeletion = receipt.DataDeletion };
        }
        if (write)
        {
            await store.WriteStateAsync();
        }
        return receipt;
    }

    private void EnsureActive()
    {
        if (State.Status != ParticipantStatus.Active)
        {
            throw new RefusedException(
                State.Status == ParticipantStatus.Left ? RefusalKind.ParticipantLeft : RefusalKind.NotFound,
                State.Status == ParticipantStatus.Left ? "This participant has left Rally." : "No such participant.");
        }
    }

    private static EnrollmentView ToView(string studyId, EnrollmentRecord record, string? currentConsentVersion) =>
        new(studyId, record.ConsentVersion, record.ShareDemographics, record.EnrolledAt,
            NeedsReconsent: currentConsentVersion is not null && currentConsentVersion != record.ConsentVersion);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "Closing the live connections of a participant who left failed")]
    private static partial void LogDisconnectFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning, Message = "Resending deletion request {DeletionId} failed; it is retried on the next activation")]
    private static partial void LogDeletionResendFailed(ILogger logger, Exception exception, Guid deletionId);
}
