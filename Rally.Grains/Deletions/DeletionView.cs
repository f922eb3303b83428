namespace Rally.Grains.Deletions;

/// <summary>One deletion request as the study's ledger holds it.</summary>
[GenerateSerializer, Immutable, Alias("rally.deletion-view")]
public sealed record DeletionView(
    [property: Id(0)] Guid DeletionId,
    [property: Id(1)] string StudyId,
    [property: Id(2)] DataDeletion DataDeletion,
    [property: Id(3)] DeletionStatus Status,
    [property: Id(4)] DateTimeOffset RequestedAt,
    [property: Id(5)] DateTimeOffset? CompletedAt);
