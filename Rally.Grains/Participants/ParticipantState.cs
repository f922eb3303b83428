using Rally.Grains.Deletions;

namespace Rally.Grains.Participants;

/// <summary>
/// The stored participant (state name <c>participant</c>). After leaving Rally only
/// <see cref="Status"/> and <see cref="LeftAt"/> remain, plus deletion requests the studies have not yet confirmed.
/// Fields are only ever added, each with a default, so older records read as before.
/// </summary>
[GenerateSerializer, Alias("rally.participant-state")]
public sealed class ParticipantState
{
    [Id(0)] public ParticipantStatus Status { get; set; }
    [Id(1)] public DateTimeOffset? JoinedAt { get; set; }
    [Id(2)] public DateTimeOffset? LeftAt { get; set; }
    [Id(3)] public byte[]? TokenHash { get; set; }
    [Id(4)] public string? PlatformConsentVersion { get; set; }
    [Id(5)] public DateTimeOffset? EligibilityAttestedAt { get; set; }
    [Id(6)] public DemographicProfile? Profile { get; set; }
    [Id(7)] public Dictionary<string, EnrollmentRecord> Enrollments { get; set; } = [];
    [Id(8)] public Dictionary<Guid, DeletionRecord> Deletions { get; set; } = [];
}

/// <summary>Consent given to one study.</summary>
[GenerateSerializer, Alias("rally.enrollment-record")]
public sealed record EnrollmentRecord(
    [property: Id(0)] string ConsentVersion,
    [property: Id(1)] bool ShareDemographics,
    [property: Id(2)] DateTimeOffset EnrolledAt);

/// <summary>A deletion request sent to a study; <see cref="DataDeletion"/> is null until the study has recorded it.</summary>
[GenerateSerializer, Alias("rally.deletion-record")]
public sealed record DeletionRecord(
    [property: Id(0)] string StudyId,
    [property: Id(1)] DateTimeOffset RequestedAt,
    [property: Id(2)] DataDeletion? DataDeletion);
