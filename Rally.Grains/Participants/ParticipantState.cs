using Rally.Grains.Deletions;
using Rally.Grains.Panel;

namespace Rally.Grains.Participants;

/// <summary>
/// The stored participant (state name <c>participant</c>). After leaving Rally only <see cref="Status"/> and
/// <see cref="LeftAt"/> remain, plus what is still to be carried out (<see cref="HasWork"/>), until it is.
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

    /// <summary>Requests of a participant who left Rally whose ledgers may still hold its id (to tell it of completion), by study.</summary>
    [Id(9)] public Dictionary<Guid, string> Forget { get; set; } = [];

    /// <summary>Left Rally, and the notice inbox not yet closed.</summary>
    [Id(10)] public bool InboxOpen { get; set; }

    /// <summary>The token last replaced, kept until the new one is first used or an hour has passed, to answer a resent replacement.</summary>
    [Id(11)] public byte[]? ReplacedTokenHash { get; set; }

    [Id(12)] public DateTimeOffset? ReplacedAt { get; set; }

    /// <summary>What the panels count of this participant, and the moves on their way to them; kept by a tombstone until they arrive.</summary>
    [Id(13)] public PanelFeed PanelFeed { get; set; } = new();

    /// <summary>Something the studies, the inbox or the panels have not confirmed yet, retried by the <c>leaving</c> reminder.</summary>
    public bool HasWork() => InboxOpen || Forget.Count > 0 || Deletions.Values.Any(d => d.DataDeletion is null) || PanelFeed.HasWork(this);
}

/// <summary>
/// Consent given to one study. <see cref="Enrollment"/> is a random id of this enrollment, from which its pseudonym
/// follows; null for enrollments made before enrollments had ids.
/// </summary>
[GenerateSerializer, Alias("rally.enrollment-record")]
public sealed record EnrollmentRecord(
    [property: Id(0)] string ConsentVersion,
    [property: Id(1)] bool ShareDemographics,
    [property: Id(2)] DateTimeOffset EnrolledAt,
    [property: Id(3)] Guid? Enrollment = null);

/// <summary>
/// A deletion request sent to a study; <see cref="DataDeletion"/> is null until the study has recorded it, and
/// <see cref="Pseudonym"/> (what the study finds the data by) is kept only until then. <see cref="CompletedAt"/> is
/// set when the study's ledger tells that the request completed, so that it can be answered after the ledger stopped
/// listing it; null in older records and until then. <see cref="EnrolledAt"/> is when the enrollment it ends began, so
/// that the participant's export can tell when the study may have held its data; null in older records and for the
/// requests of a participant who left Rally (its tombstone keeps no more than it must).
/// </summary>
[GenerateSerializer, Alias("rally.deletion-record")]
public sealed record DeletionRecord(
    [property: Id(0)] string StudyId,
    [property: Id(1)] DateTimeOffset RequestedAt,
    [property: Id(2)] DataDeletion? DataDeletion,
    [property: Id(3)] string? Pseudonym = null,
    [property: Id(4)] DateTimeOffset? CompletedAt = null,
    [property: Id(5)] DateTimeOffset? EnrolledAt = null);
