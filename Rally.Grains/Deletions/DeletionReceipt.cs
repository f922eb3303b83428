namespace Rally.Grains.Deletions;

/// <summary>The answer to leaving one study.</summary>
[GenerateSerializer, Immutable, Alias("rally.deletion-receipt")]
public sealed record DeletionReceipt(
    [property: Id(0)] string StudyId,
    [property: Id(1)] Guid DeletionId,
    [property: Id(2)] DataDeletion DataDeletion);
