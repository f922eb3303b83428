using System.ComponentModel.DataAnnotations;
using Rally.Api.Notices;
using Rally.Api.Signing;
using Rally.Grains.Deletions;
using Rally.Grains.Participants;
using Rally.Grains.Participants.Demographics;

namespace Rally.Api.Participants;

/// <summary>Joining Rally: the platform consent given and the eligibility attested (both must be true).</summary>
public sealed record JoinRequest(
    [property: StringLength(32, MinimumLength = 1)] string PlatformConsentVersion,
    bool ResidesInUnitedStates,
    bool AgeAtLeast19);

/// <summary>The new participant and its bearer token, shown this once.</summary>
public sealed record JoinResponse(Guid ParticipantId, string Token);

/// <summary>Replacing the token: <c>requestId</c>, a UUID the client makes once per replacement and sends again with a resend.</summary>
public sealed record ReplaceTokenRequest(Guid RequestId);

/// <summary>The participant's new bearer token.</summary>
public sealed record TokenResponse(string Token);

public sealed record EnrollmentResponse(string StudyId, string ConsentVersion, bool ShareDemographics, DateTimeOffset EnrolledAt, bool NeedsReconsent)
{
    public static EnrollmentResponse From(EnrollmentView view) =>
        new(view.StudyId, view.ConsentVersion, view.ShareDemographics, view.EnrolledAt, view.NeedsReconsent);
}

public sealed record MeResponse(
    Guid ParticipantId,
    ParticipantStatus Status,
    DateTimeOffset JoinedAt,
    string PlatformConsentVersion,
    bool HasProfile,
    EnrollmentResponse[] Enrollments,
    NoticeMessage[] Notices)
{
    public static MeResponse From(ParticipantView view) =>
        new(view.ParticipantId, view.Status, view.JoinedAt, view.PlatformConsentVersion, view.HasProfile,
            [.. view.Enrollments.Select(EnrollmentResponse.From)], [.. view.Notices.OrderBy(n => n.At).Select(NoticeMessage.From)]);
}

/// <summary>The census-like survey; every answer is optional and limited to the published values.</summary>
public sealed record ProfileBody(
    AgeRange? AgeRange = null,
    Gender? Gender = null,
    bool? HispanicLatinxSpanishOrigin = null,
    [property: MaxLength(15)] Race[]? Races = null,
    SchoolLevel? SchoolLevel = null,
    IncomeRange? HouseholdIncomeRange = null,
    [property: RegularExpression(@"^[0-9]{5}$", ErrorMessage = "zipCode must be 5 digits.")] string? ZipCode = null)
{
    public DemographicProfile ToProfile() =>
        new(AgeRange, Gender, HispanicLatinxSpanishOrigin, Races?.Distinct().Order().ToArray(), SchoolLevel, HouseholdIncomeRange, ZipCode);

    public static ProfileBody From(DemographicProfile p) =>
        new(p.AgeRange, p.Gender, p.HispanicLatinxSpanishOrigin, p.Races, p.SchoolLevel, p.HouseholdIncomeRange, p.ZipCode);
}

/// <summary>Consenting to a study.</summary>
public sealed record EnrollRequest(
    [property: StringLength(64, MinimumLength = 1)] string StudyId,
    [property: StringLength(32, MinimumLength = 1)] string ConsentVersion,
    bool ShareDemographics = false,
    bool PrivateBrowsingAcknowledged = false);

/// <summary>Whether the participant shares its profile with one study it is enrolled in.</summary>
public sealed record EnrollmentSharingRequest(bool ShareDemographics);

public sealed record LeaveStudyResponse(string StudyId, DataDeletion DataDeletion, Guid DeletionId)
{
    public static LeaveStudyResponse From(DeletionReceipt receipt) => new(receipt.StudyId, receipt.DataDeletion, receipt.DeletionId);
}

/// <summary>A hub ticket and when it stops opening connections.</summary>
public sealed record HubTicketResponse(string Ticket, DateTimeOffset ExpiresAt);

public sealed record LeaveRallyResponse(ParticipantStatus Status, DateTimeOffset LeftAt, bool ProfileDeleted, LeaveStudyResponse[] Studies);

/// <summary>
/// Where a deletion request stands, with <c>deletedEvents</c> once counted, and <c>receipt</c>: the same facts signed by the
/// platform (a compact JWS, ES256, verifiable with <c>/.well-known/jwks.json</c>).
/// </summary>
public sealed record DeletionResponse(
    Guid DeletionId,
    string StudyId,
    DataDeletion DataDeletion,
    DeletionStatus Status,
    DateTimeOffset RequestedAt,
    DateTimeOffset? CompletedAt,
    long? DeletedEvents,
    string Receipt)
{
    public static DeletionResponse From(DeletionView v, DeletionReceipts receipts) =>
        new(v.DeletionId, v.StudyId, v.DataDeletion, v.Status, v.RequestedAt, v.CompletedAt, v.DeletedEvents, receipts.Sign(v));
}
