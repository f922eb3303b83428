using Orleans.Concurrency;
using Rally.Grains.Deletions;
using Rally.Grains.Ingestion;

namespace Rally.Grains.Participants;

/// <summary>One participant, i.e. one browser install, keyed by its participant id.</summary>
/// <remarks>
/// Methods taking a <see cref="CancellationToken"/> are safe to send again (reads, or writes that carry the caller's
/// request id): a front gives each attempt a short deadline and cancels it when a silo dies, then resends it
/// (<c>Rally.Api.Hosting.FailoverFilter</c>). The token is not sent over the wire. A write, once begun, is finished
/// whatever the token says (<c>WriteStateAsync(CancellationToken.None)</c>): the resend then finds it done.
/// </remarks>
[Alias("rally.participant-grain")]
public interface IParticipantGrain : IGrainWithGuidKey
{
    /// <summary>Joins the platform; refused unless eligible and consenting to the current platform consent.</summary>
    [Alias("join")]
    Task JoinAsync(JoinCommand command, CancellationToken cancellationToken = default);

    /// <summary>True when the token hash is this active participant's.</summary>
    [Alias("authenticate")]
    ValueTask<bool> AuthenticateAsync(byte[] tokenHash, CancellationToken cancellationToken = default);

    /// <summary>
    /// True when this participant is active and hub ticket <paramref name="nonce"/> may be used: to negotiate
    /// (<paramref name="connection"/> null) while it opened no connection, to open connection <paramref name="connection"/>
    /// when it opened none or that one (its later requests). Remembered until it expires.
    /// </summary>
    [Alias("accept-ticket")]
    ValueTask<bool> AcceptTicketAsync(string nonce, DateTimeOffset expiresAt, string? connection);

    /// <summary>
    /// True when the hash is of the token this active participant replaced within the last hour and its new token has
    /// not been used yet: only a resent replacement may present it.
    /// </summary>
    [Alias("is-replaced-token"), ReadOnly]
    ValueTask<bool> IsReplacedTokenAsync(byte[] tokenHash, CancellationToken cancellationToken = default);

    /// <summary>
    /// Replaces the token whose hash is <paramref name="currentHash"/> by the one whose hash is <paramref name="nextHash"/>:
    /// the old token is refused from now on and live notice connections are closed. True as well for the same replacement
    /// sent again (the replaced token and the same new one); false for a token that is neither current nor so replaced.
    /// </summary>
    [Alias("replace-token")]
    Task<bool> ReplaceTokenAsync(byte[] currentHash, byte[] nextHash, CancellationToken cancellationToken = default);

    [Alias("get")]
    Task<ParticipantView> GetAsync(CancellationToken cancellationToken = default);

    [Alias("get-profile")]
    ValueTask<DemographicProfile?> GetProfileAsync();

    [Alias("set-profile")]
    Task SetProfileAsync(DemographicProfile profile);

    /// <summary>Deletes the profile; false when there was none.</summary>
    [Alias("delete-profile")]
    Task<bool> DeleteProfileAsync();

    [Alias("enroll")]
    Task<EnrollResult> EnrollAsync(EnrollCommand command, CancellationToken cancellationToken = default);

    /// <summary>Shares the profile with an enrolled study, or stops sharing it; refused when not enrolled.</summary>
    [Alias("set-share-demographics")]
    Task<EnrollmentView> SetShareDemographicsAsync(string studyId, bool share);

    /// <summary>
    /// Leaves a study. <paramref name="deletionId"/> is made once by the caller, so that the same call sent again
    /// (a front resends calls a stopping silo may already have run) is answered with the same receipt.
    /// </summary>
    [Alias("leave-study")]
    Task<DeletionReceipt> LeaveStudyAsync(string studyId, Guid deletionId, CancellationToken cancellationToken = default);

    [Alias("leave-rally")]
    Task<LeaveRallyResult> LeaveRallyAsync();

    /// <summary>
    /// Everything held about the participant, for its own export (<c>GET /v1/me/export</c>): what <see cref="GetAsync"/>
    /// answers, with the profile, every deletion request and its outcome, and when each study it is or was in may have
    /// held its data.
    /// </summary>
    [Alias("export")]
    Task<ParticipantExport> ExportAsync();

    [Alias("get-deletion")]
    Task<DeletionView> GetDeletionAsync(Guid deletionId, CancellationToken cancellationToken = default);

    /// <summary>Told by a study's ledger when one of the participant's requests completed; kept in its record.</summary>
    [Alias("deletion-completed"), OneWay]
    Task DeletionCompletedAsync(Guid deletionId, DateTimeOffset completedAt);

    /// <summary>Acknowledges a notice; false when there was no such notice.</summary>
    [Alias("ack-notice")]
    Task<bool> AckNoticeAsync(Guid noticeId);

    /// <summary>
    /// Whether this participant may upload to the study now (enrolled, with the study's current consent, and
    /// the study enrolling), under which pseudonym and by which rules, and which of <paramref name="eventIds"/> were
    /// acknowledged to it recently; refused otherwise. A front of the version before sends no ids (null): none are named.
    /// </summary>
    [Alias("get-upload-permit"), ReadOnly]
    Task<UploadPermit> GetUploadPermitAsync(string studyId, Guid[] eventIds, CancellationToken cancellationToken = default);

    /// <summary>
    /// The events were queued durably for the study under <paramref name="pseudonym"/> (the permit's): a resend of them
    /// is counted as duplicates and not queued again. Ignored when the participant has since left or enrolled again
    /// (another pseudonym). Answered once recorded, so that a resend after the upload's answer finds them.
    /// </summary>
    [Alias("upload-acknowledged")]
    Task UploadAcknowledgedAsync(string studyId, string pseudonym, Guid[] eventIds);
}
