namespace Rally.Grains.Studies;

/// <summary>The study's browser add-on.</summary>
[GenerateSerializer, Immutable, Alias("rally.add-on-info")]
public sealed record AddOnInfo(
    [property: Id(0)] string Id,
    [property: Id(1)] Uri DownloadUrl);
