namespace Rally.Grains.Ingestion;

/// <summary>One event as the add-on sent it; <see cref="Payload"/> is a compact JWE the backend cannot read.</summary>
[GenerateSerializer, Immutable, Alias("rally.study-event")]
public sealed record StudyEvent(
    [property: Id(0)] Guid Id,
    [property: Id(1)] string Type,
    [property: Id(2)] DateTimeOffset CollectedAt,
    [property: Id(3)] bool PrivateWindow,
    [property: Id(4)] string Payload);
