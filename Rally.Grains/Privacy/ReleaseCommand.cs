namespace Rally.Grains.Privacy;

/// <summary>Publish a release of ε <see cref="Epsilon"/>, counting at most <see cref="EventsPerParticipant"/> events of each participant; idempotent by <see cref="ReleaseId"/>.</summary>
[GenerateSerializer, Immutable, Alias("rally.release-command")]
public sealed record ReleaseCommand(
    [property: Id(0)] Guid ReleaseId,
    [property: Id(1)] decimal Epsilon,
    [property: Id(2)] int EventsPerParticipant);
