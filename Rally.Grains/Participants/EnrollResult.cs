namespace Rally.Grains.Participants;

/// <summary>The enrollment as it now stands; <see cref="Created"/> is false when it was already in place.</summary>
[GenerateSerializer, Immutable, Alias("rally.enroll-result")]
public sealed record EnrollResult(
    [property: Id(0)] bool Created,
    [property: Id(1)] EnrollmentView Enrollment);
