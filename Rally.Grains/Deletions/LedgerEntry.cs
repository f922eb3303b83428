namespace Rally.Grains.Deletions;

/// <summary>
/// One deletion request. The participant id is what finds the data (through the study pseudonym);
/// it is forgotten once the request completes, and never shown to operators.
/// </summary>
[GenerateSerializer, Alias("rally.ledger-entry")]
public sealed record LedgerEntry(
    [property: Id(0)] Guid? ParticipantId,
    [property: Id(1)] DataDeletion DataDeletion,
    [property: Id(2)] DeletionStatus Status,
    [property: Id(3)] DateTimeOffset RequestedAt,
    [property: Id(4)] DateTimeOffset? CompletedAt,
    [property: Id(5)] long? DeletedEvents = null);
