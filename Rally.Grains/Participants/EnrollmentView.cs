namespace Rally.Grains.Participants;

/// <summary>One study a participant is enrolled in, and whether it must consent again.</summary>
[GenerateSerializer, Immutable, Alias("rally.enrollment-view")]
public sealed record EnrollmentView(
    [property: Id(0)] string StudyId,
    [property: Id(1)] string ConsentVersion,
    [property: Id(2)] bool ShareDemographics,
    [property: Id(3)] DateTimeOffset EnrolledAt,
    [property: Id(4)] bool NeedsReconsent);
