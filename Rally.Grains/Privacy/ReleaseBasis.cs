using Rally.Grains.Ingestion;

namespace Rally.Grains.Privacy;

/// <summary>
/// What a release is computed from, as the study answered the charge of its ε: the budget as it now stands, the number
/// enrolled, and the public domain of its event counts.
/// </summary>
[GenerateSerializer, Immutable, Alias("rally.release-basis")]
public sealed record ReleaseBasis(
    [property: Id(0)] decimal Epsilon,
    [property: Id(1)] decimal Budget,
    [property: Id(2)] decimal Spent,
    [property: Id(3)] long Enrolled,
    [property: Id(4)] EventDomain Domain);
