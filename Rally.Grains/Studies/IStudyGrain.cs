using Orleans.Concurrency;
using Rally.Grains.Deletions;
using Rally.Grains.Ingestion;

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

    [Alias("announce-end")]
    Task<StudyView> AnnounceEndAsync(DateTimeOffset endsAt);

    [Alias("end")]
    Task<StudyView> EndAsync();

    /// <summary>Ends the study if its announced end has come; its own timer and reminder call it, and it is harmless otherwise.</summary>
    [Alias("end-if-due")]
    Task EndIfDueAsync();

    [Alias("complete-analysis")]
    Task<StudyView> CompleteAnalysisAsync();

    /// <summary>Records a participant's consent to the current version; refused unless the study is enrolling.</summary>
    [Alias("enroll")]
    Task EnrollAsync(Guid participantId, string consentVersion, bool privateBrowsingAcknowledged);

    /// <summary>Stops collection for the participant and records the deletion request; idempotent by its id.</summary>
    [Alias("leave-enrollment")]
    Task<DeletionReceipt> LeaveAsync(LeaveCommand command);

    /// <summary>What uploads to this study must satisfy; refused when no study was drafted under this id.</summary>
    [Alias("get-ingestion-rules"), ReadOnly]
    Task<StudyIngestionRules> GetIngestionRulesAsync();
}
