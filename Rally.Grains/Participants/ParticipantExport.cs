using Rally.Grains.Audit;
using Rally.Grains.Deletions;

namespace Rally.Grains.Participants;

/// <summary>
/// Everything the participant grain holds about the participant, for its own export: its record, profile, enrollments,
/// deletion requests with their outcome, notices, and for each study it is or was in, when that study may have held
/// its data (<see cref="Studies"/>), so that the study's reads within those spans can be listed.
/// </summary>
[GenerateSerializer, Immutable, Alias("rally.participant-export")]
public sealed record ParticipantExport(
    [property: Id(0)] ParticipantView Participant,
    [property: Id(1)] DateTimeOffset? EligibilityAttestedAt,
    [property: Id(2)] DemographicProfile? Profile,
    [property: Id(3)] DeletionView[] Deletions,
    [property: Id(4)] StudyReadWindows[] Studies);

/// <summary>A study the participant is or was in, and the spans during which it may have held the participant's data.</summary>
[GenerateSerializer, Immutable, Alias("rally.study-read-windows")]
public sealed record StudyReadWindows(
    [property: Id(0)] string StudyId,
    [property: Id(1)] ReadWindow[] Windows);
