using Rally.Grains.Notices;

namespace Rally.Grains.Participants;

/// <summary>What a participant sees of itself.</summary>
[GenerateSerializer, Immutable, Alias("rally.participant-view")]
public sealed record ParticipantView(
    [property: Id(0)] Guid ParticipantId,
    [property: Id(1)] ParticipantStatus Status,
    [property: Id(2)] DateTimeOffset JoinedAt,
    [property: Id(3)] string PlatformConsentVersion,
    [property: Id(4)] EnrollmentView[] Enrollments,
    [property: Id(5)] bool HasProfile,
    [property: Id(6)] Notice[] Notices);
