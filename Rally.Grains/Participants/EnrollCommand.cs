namespace Rally.Grains.Participants;

/// <summary>A participant consents to a study.</summary>
[GenerateSerializer, Immutable, Alias("rally.enroll-command")]
public sealed record EnrollCommand(
    [property: Id(0)] string StudyId,
    [property: Id(1)] string ConsentVersion,
    [property: Id(2)] bool ShareDemographics,
    [property: Id(3)] bool PrivateBrowsingAcknowledged);
