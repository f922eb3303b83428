using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
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
    IOptions<DeletionOptions> deletionOptions,
    ILogger<ParticipantGrain> logger) : Grain, IParticipantGrain, IRemindable
{
    private ParticipantState State => store.State;

    private Guid ParticipantId => this.GetPrimaryKey();

    /// <summary>
    /// Work recorded before requests were retried by reminder (or whose reminder is somehow gone) is taken up again
    /// whenever the participant is activated; the reminder does it otherwise.
    /// </summary>
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (State.HasWork())
        {
            this.RegisterGrainTimer(_ => CarryOutAsync(), new GrainTimerCreationOptions(TimeSpan.Zero, Timeout.InfiniteTimeSpan));
        }
        return base.OnActivateAsync(cancellationToken);
    }

    public async Task JoinAsync(JoinCommand command, CancellationToken cancellationToken)
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
        await store.WriteStateAsync(CancellationToken.None);
        await FeedPanelAsync();
    }

    public async Task<ParticipantView> GetAsync(CancellationToken cancellationToken)
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

    public async Task<EnrollResult> EnrollAsync(EnrollCommand command, CancellationToken cancellationToken)
    {
        EnsureActive();
        // The study checks its own rules (enrolling, current consent, private-browsing warning) first.
        await GrainFactory.GetGrain<IStudyGrain>(command.StudyId)
            .EnrollAsync(ParticipantId, command.ConsentVersion, command.PrivateBrowsingAcknowledged);

        var existing = State.Enrollments.GetValueOrDefault(command.StudyId);
        // Consenting again keeps the enrollment (and its pseudonym); a new enrollment gets a new one.
        var record = existing is null
            ? new EnrollmentRecord(command.ConsentVersion, command.ShareDemographics, clock.GetUtcNow(), Guid.NewGuid())
            : existing with { ConsentVersion = command.ConsentVersion, ShareDemographics = command.ShareDemographics };
        if (existing is { ShareDemographics: true } && !record.ShareDemographics)
        {
            // The study forgets the profile before the participant's choice is stored (see ParticipantGrain.Demographics).
            await WithdrawFromAsync(command.StudyId, record);
        }
        if (record != existing)
        {
            State.Enrollments[command.StudyId] = record;
            await store.WriteStateAsync(CancellationToken.None);
            await FeedPanelAsync();
        }
        if (record.ShareDemographics)
        {
            await ShareWithAsync(command.StudyId, record);
        }
        return new EnrollResult(existing is null, ToView(command.StudyId, record, command.ConsentVersion));
    }

    public async Task<bool> AckNoticeAsync(Guid noticeId)
    {
        EnsureActive();
        return await Inbox.AckAsync(noticeId);
    }

    private INoticeInboxGrain Inbox => GrainFactory.GetGrain<INoticeInboxGrain>(ParticipantId);

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
}
