namespace Rally.Grains.Studies;

/// <summary>
/// The study's public encryption key as an EC P-256 JWK. <see cref="Kid"/> is its RFC 7638 thumbprint.
/// Rally never holds the private half.
/// </summary>
[GenerateSerializer, Immutable, Alias("rally.study-key")]
public sealed record StudyKey(
    [property: Id(0)] string Kty,
    [property: Id(1)] string Crv,
    [property: Id(2)] string X,
    [property: Id(3)] string Y,
    [property: Id(4)] string Kid);
