namespace Rally.Grains.Deletions;

/// <summary>The stored ledger of one study (state name <c>deletion-ledger</c>).</summary>
[GenerateSerializer, Alias("rally.deletion-ledger-state")]
public sealed class DeletionLedgerState
{
    [Id(0)] public Dictionary<Guid, LedgerEntry> Entries { get; set; } = [];

    /// <summary>The study's analysis completed: all its raw data is to be dropped.</summary>
    [Id(1)] public DateTimeOffset? DropRequestedAt { get; set; }

    [Id(2)] public DateTimeOffset? DroppedAt { get; set; }

    /// <summary>Completed requests dropped from <see cref="Entries"/> past <see cref="DeletionOptions.MaxCompletedEntries"/>; 0 in older records, which dropped none.</summary>
    [Id(3)] public long CompactedRequests { get; set; }

    /// <summary>The events those dropped requests deleted.</summary>
    [Id(4)] public long CompactedDeletedEvents { get; set; }

    /// <summary>
    /// The study's name on its card, as the study last gave it (with a request or the completed analysis): the
    /// <c>data-deleted</c> notice names the study by it. Null in older records until the study next calls the ledger.
    /// </summary>
    [Id(5)] public string? StudyName { get; set; }
}
