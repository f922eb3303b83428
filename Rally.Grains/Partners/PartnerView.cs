namespace Rally.Grains.Partners;

/// <summary>A research partner; <see cref="SuspendedAt"/> is null unless operators suspended it.</summary>
[GenerateSerializer, Immutable, Alias("rally.partner-view")]
public sealed record PartnerView(
    [property: Id(0)] Guid PartnerId,
    [property: Id(1)] string Name,
    [property: Id(2)] DateTimeOffset CreatedAt,
    [property: Id(3)] Guid[] Researchers,
    [property: Id(4)] DateTimeOffset? SuspendedAt = null);
