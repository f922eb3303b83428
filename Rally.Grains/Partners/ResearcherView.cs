namespace Rally.Grains.Partners;

/// <summary>A researcher as operators see it: never its key, and when it was last used, to the minute.</summary>
[GenerateSerializer, Immutable, Alias("rally.researcher-view")]
public sealed record ResearcherView(
    [property: Id(0)] Guid ResearcherId,
    [property: Id(1)] string Name,
    [property: Id(2)] DateTimeOffset CreatedAt,
    [property: Id(3)] DateTimeOffset? LastUsedAt,
    [property: Id(4)] DateTimeOffset? RevokedAt);
