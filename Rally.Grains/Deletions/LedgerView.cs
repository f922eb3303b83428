namespace Rally.Grains.Deletions;

/// <summary>
/// The operators' view of a study's deletion ledger: no personal data. <see cref="CompletedRequests"/> and
/// <see cref="DeletedEvents"/> count every completed request, including those no longer listed. <see cref="Next"/> is the
/// cursor of the next page of <see cref="Requests"/>, null on the last.
/// </summary>
[GenerateSerializer, Immutable, Alias("rally.ledger-view")]
public sealed record LedgerView(
    [property: Id(0)] LedgerEntryView[] Requests,
    [property: Id(1)] DateTimeOffset? DropRequestedAt,
    [property: Id(2)] DateTimeOffset? DroppedAt,
    [property: Id(3)] long CompletedRequests = 0,
    [property: Id(4)] long DeletedEvents = 0,
    [property: Id(5)] string? Next = null);

[GenerateSerializer, Immutable, Alias("rally.ledger-entry-view")]
public sealed record LedgerEntryView(
    [property: Id(0)] Guid DeletionId,
    [property: Id(1)] DataDeletion DataDeletion,
    [property: Id(2)] DeletionStatus Status,
    [property: Id(3)] DateTimeOffset RequestedAt,
    [property: Id(4)] DateTimeOffset? CompletedAt,
    [property: Id(5)] long? DeletedEvents);
