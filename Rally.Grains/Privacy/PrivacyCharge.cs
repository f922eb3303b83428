namespace Rally.Grains.Privacy;

/// <summary>One release's ε, charged to its study's privacy budget before the release is computed (kept in the study's state).</summary>
[GenerateSerializer, Immutable, Alias("rally.privacy-charge")]
public sealed record PrivacyCharge(
    [property: Id(0)] Guid ReleaseId,
    [property: Id(1)] decimal Epsilon,
    [property: Id(2)] DateTimeOffset ChargedAt);
