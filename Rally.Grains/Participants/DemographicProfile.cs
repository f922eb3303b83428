using Rally.Grains.Participants.Demographics;

namespace Rally.Grains.Participants;

/// <summary>The optional census-like survey; every answer may be left out.</summary>
[GenerateSerializer, Immutable, Alias("rally.demographic-profile")]
public sealed record DemographicProfile(
    [property: Id(0)] AgeRange? AgeRange,
    [property: Id(1)] Gender? Gender,
    [property: Id(2)] bool? HispanicLatinxSpanishOrigin,
    [property: Id(3)] Race[]? Races,
    [property: Id(4)] SchoolLevel? SchoolLevel,
    [property: Id(5)] IncomeRange? HouseholdIncomeRange,
    [property: Id(6)] string? ZipCode);
