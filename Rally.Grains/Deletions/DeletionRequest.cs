using Rally.Grains.Studies;

namespace Rally.Grains.Deletions;

/// <summary>
/// A deletion request as the study's ledger records it: the enrollment's pseudonym finds the data;
/// <paramref name="NoticeTo"/> is the participant told when it completes, null once it has left Rally.
/// <paramref name="StudyName"/> is the study's name on its card, by which that notice names the study (the ledger never
/// asks the study, which waits on it); null from a study grain of before it was carried.
/// </summary>
[GenerateSerializer, Immutable, Alias("rally.deletion-request")]
public sealed record DeletionRequest(
    [property: Id(0)] Guid DeletionId,
    [property: Id(1)] string Pseudonym,
    [property: Id(2)] Guid? NoticeTo,
    [property: Id(3)] StudyLifecycle Lifecycle,
    [property: Id(4)] string? StudyName = null);
