namespace Rally.Grains.Deletions;

/// <summary>
/// One deletion request. <see cref="Pseudonym"/> (the enrollment's name in the study) is what finds the data;
/// <see cref="ParticipantId"/> is only whom to tell when it completes: kept while the participant is in Rally and the
/// request is open, never for a participant who left Rally, and never shown to operators. Entries recorded before
/// requests carried a pseudonym have only the participant id, from which their (older, per-study) pseudonym follows.
/// </summary>
[GenerateSerializer, Alias("rally.ledger-entry")]
public sealed record LedgerEntry(
    [property: Id(0)] Guid? ParticipantId,
    [property: Id(1)] DataDeletion DataDeletion,
    [property: Id(2)] DeletionStatus Status,
    [property: Id(3)] DateTimeOffset RequestedAt,
    [property: Id(4)] DateTimeOffset? CompletedAt,
    [property: Id(5)] long? DeletedEvents = null,
    [property: Id(6)] string? Pseudonym = null);
