using Orleans.Concurrency;
using Rally.Grains.Deletions;
using Rally.Grains.Ingestion;
using Rally.Grains.Notices;
using Rally.Grains.Privacy;

namespace Rally.Grains.Studies;

/// <summary>
/// One study, keyed by its study id: card, lifecycle, enrollments, scheduled end and outbox of notices. Its deletion
/// requests are kept by the study's own <see cref="Deletions.IDeletionLedgerGrain"/>, under the same key.
/// </summary>
[Alias("rally.study-grain")]
public interface IStudyGrain : IGrainWithStringKey
{
    /// <summary>Drafts the study; refused when the id is taken.</summary>
    [Alias("draft")]
    Task<StudyView> DraftAsync(StudyCard card);

    /// <summary>The study, or null when none was drafted under this id.</summary>
    [Alias("get"), ReadOnly]
    Task<StudyView?> GetAsync(CancellationToken cancellationToken = default);

    [Alias("publish-consent")]
    Task<StudyView> PublishConsentAsync(ConsentUpdate update);

    [Alias("launch")]
    Task<StudyView> LaunchAsync();

    /// <summary>Stops an enrolling study's uploads and enrollments (a kill switch); a paused study answers as it is.</summary>
    [Alias("pause")]
    Task<StudyView> PauseAsync();

    /// <summary>Lets a paused study collect and enroll again; an enrolling study answers as it is.</summary>
    [Alias("resume")]
    Task<StudyView> ResumeAsync();

    [Alias("announce-end")]
    Task<StudyView> AnnounceEndAsync(DateTimeOffset endsAt);

    [Alias("end")]
    Task<StudyView> EndAsync();

    /// <summary>
    /// The study's own outbox drain reports a notice delivered to every inbox: it leaves the outbox; returns the next
    /// notice to deliver, or null once the outbox is empty.
    /// </summary>
    [Alias("outbox-delivered")]
    Task<Notice?> OutboxDeliveredAsync(Guid noticeId);

    /// <summary>Ends the study if its announced end has come; its own timer and reminder call it, and it is harmless otherwise.</summary>
    [Alias("end-if-due")]
    Task EndIfDueAsync();

    [Alias("complete-analysis")]
    Task<StudyView> CompleteAnalysisAsync();

    /// <summary>Records a participant's consent to the current version; refused unless the study is enrolling (not paused).</summary>
    [Alias("enroll")]
    Task EnrollAsync(Guid participantId, string consentVersion, bool privateBrowsingAcknowledged);

    /// <summary>Stops collection for the participant and records the deletion request; idempotent by its id.</summary>
    [Alias("leave-enrollment")]
    Task<DeletionReceipt> LeaveAsync(LeaveCommand command);

    /// <summary>
    /// Charges a release's ε to the study's privacy budget and stores the charge before answering, so that no release is
    /// ever computed uncharged; idempotent by release id. Refused unless the study was launched and its data is not
    /// purged, when the budget would be passed, or at <see cref="StudyGrain.MaxReleases"/> releases.
    /// </summary>
    [Alias("charge-privacy")]
    Task<ReleaseBasis> ChargePrivacyAsync(Guid releaseId, decimal epsilon);

    /// <summary>What uploads to this study must satisfy; refused when no study was drafted under this id.</summary>
    [Alias("get-ingestion-rules"), ReadOnly]
    Task<StudyIngestionRules> GetIngestionRulesAsync();
}
