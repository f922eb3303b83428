namespace Rally.Grains.Partners;

/// <summary>Who an authenticated researcher is and which partner it works for.</summary>
[GenerateSerializer, Immutable, Alias("rally.researcher-identity")]
public sealed record ResearcherIdentity(
    [property: Id(0)] Guid ResearcherId,
    [property: Id(1)] Guid PartnerId);
