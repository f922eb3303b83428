namespace Rally.Grains.Participants;

/// <summary>A browser install asks to join: its consent, its attestation and the hash of the token it was given.</summary>
[GenerateSerializer, Immutable, Alias("rally.join-command")]
public sealed record JoinCommand(
    [property: Id(0)] string PlatformConsentVersion,
    [property: Id(1)] bool ResidesInUnitedStates,
    [property: Id(2)] bool AgeAtLeast19,
    [property: Id(3)] byte[] TokenHash);
