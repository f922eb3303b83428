namespace Rally.Grains.Studies;

/// <summary>A new consent version, and the data it covers when that changes too.</summary>
[GenerateSerializer, Immutable, Alias("rally.consent-update")]
public sealed record ConsentUpdate(
    [property: Id(0)] string ConsentVersion,
    [property: Id(1)] DataType[]? DataCollected);
