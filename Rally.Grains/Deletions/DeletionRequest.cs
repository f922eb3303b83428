using Rally.Grains.Studies;

namespace Rally.Grains.Deletions;

/// <summary>
/// A deletion request as the study's ledger records it: the enrollment's pseudonym finds the data;
/// <paramref name="NoticeTo"/> is the participant told when it completes, null once it has left Rally.
/// </summary>
[GenerateSerializer, Immutable, Alias("rally.deletion-request")]
public sealed record DeletionRequest(
    [property: Id(0)] Guid DeletionId,
    [property: Id(1)] string Pseudonym,
    [property: Id(2)] Guid? NoticeTo,
    [property: Id(3)] StudyLifecycle Lifecycle);
