namespace Rally.Grains.Ingestion;

/// <summary>
/// One accepted upload, as one stream item. It names the participant only by its study pseudonym,
/// so neither the queue nor the study's store ever holds the platform-wide participant id.
/// </summary>
[GenerateSerializer, Immutable, Alias("rally.event-batch")]
public sealed record EventBatch(
    [property: Id(0)] string StudyId,
    [property: Id(1)] string Participant,
    [property: Id(2)] DateTimeOffset ReceivedAt,
    [property: Id(3)] StudyEvent[] Events);
