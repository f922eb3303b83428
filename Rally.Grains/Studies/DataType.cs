namespace Rally.Grains.Studies;

/// <summary>One kind of event a study declares it collects (lean data: nothing else is accepted).</summary>
[GenerateSerializer, Immutable, Alias("rally.data-type")]
public sealed record DataType(
    [property: Id(0)] string Type,
    [property: Id(1)] string Description);
