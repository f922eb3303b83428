using Rally.Grains.Participants;

namespace Rally.Grains.Demographics;

/// <summary>A profile a participant shares with one study, under the pseudonym of that enrollment (the one its events carry).</summary>
[GenerateSerializer, Immutable, Alias("rally.shared-profile")]
public sealed record SharedProfile(
    [property: Id(0)] string Pseudonym,
    [property: Id(1)] DemographicProfile Profile);
