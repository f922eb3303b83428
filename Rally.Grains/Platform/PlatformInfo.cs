namespace Rally.Grains.Platform;

/// <summary>What a would-be participant must agree to and attest before joining.</summary>
[GenerateSerializer, Immutable, Alias("rally.platform-info")]
public sealed record PlatformInfo(
    [property: Id(0)] string ConsentVersion,
    [property: Id(1)] int MinimumAge,
    [property: Id(2)] string Country);
