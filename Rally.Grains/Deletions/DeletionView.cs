namespace Rally.Grains.Deletions;

/// <summary>
/// One deletion request as the study's ledger holds it. <see cref="DeletedEvents"/> is how many events the request deleted,
/// once completed; null while it is not, for a request whose data went with the whole study's (locked, then dropped), and
/// where the ledger no longer lists the request.
/// </summary>
[GenerateSerializer, Immutable, Alias("rally.deletion-view")]
public sealed record DeletionView(
    [property: Id(0)] Guid DeletionId,
    [property: Id(1)] string StudyId,
    [property: Id(2)] DataDeletion DataDeletion,
    [property: Id(3)] DeletionStatus Status,
    [property: Id(4)] DateTimeOffset RequestedAt,
    [property: Id(5)] DateTimeOffset? CompletedAt,
    [property: Id(6)] long? DeletedEvents = null);
