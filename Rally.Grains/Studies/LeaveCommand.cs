namespace Rally.Grains.Studies;

/// <summary>
/// A participant leaving a study: the enrollment's <paramref name="Pseudonym"/> is what finds its data;
/// <paramref name="InRally"/> is false when the participant left Rally, so that nothing keeps its id to write to it.
/// </summary>
[GenerateSerializer, Immutable, Alias("rally.leave-command")]
public sealed record LeaveCommand(
    [property: Id(0)] Guid ParticipantId,
    [property: Id(1)] Guid DeletionId,
    [property: Id(2)] string Pseudonym,
    [property: Id(3)] bool InRally);
