namespace Rally.Grains.Ingestion;

/// <summary>
/// Where each study's raw events live: in PostgreSQL its own partition, so that a whole study can be dropped
/// at once; in memory in the embedded default. Writes are idempotent by (study, event id).
/// </summary>
public interface IStudyEventStore
{
    /// <summary>
    /// Stores, in one transaction, the batches' events that their study does not hold yet, unless the
    /// enrollment's data (by pseudonym) or the study's raw data was deleted; returns how many were stored.
    /// Batches may be of different studies and participants.
    /// </summary>
    Task<int> AppendAsync(IReadOnlyList<EventBatch> batches, CancellationToken cancellationToken = default);

    /// <summary>The study's events after <paramref name="after"/> in cursor order, read lazily (constant memory).</summary>
    IAsyncEnumerable<StoredEvent> ReadAsync(string studyId, EventCursor after, int limit, CancellationToken cancellationToken = default);

    Task<StudyEventStats> GetStatsAsync(string studyId, CancellationToken cancellationToken = default);

    /// <summary>
    /// The study's events in <paramref name="domain"/> by type and by UTC day of collection, each pseudonym counted for
    /// at most <paramref name="perParticipant"/> events in all: its earliest in the domain by collection time (then by
    /// id); the rest are not counted. So one participant moves the figures by at most that many events, whatever it
    /// sent (the sensitivity of a differentially private release). Cells without events are left out.
    /// </summary>
    Task<StudyEventStats> CountClippedAsync(string studyId, EventDomain domain, int perParticipant, CancellationToken cancellationToken = default);

    /// <summary>
    /// Carries out deletion request <paramref name="deletionId"/>: deletes every event stored under the enrollment's
    /// pseudonym <paramref name="participant"/> and blocks the pseudonym, so that none that arrives later (in flight,
    /// redelivered) is ever stored, whatever its timestamps say. Idempotent; returns how many events the request
    /// deleted in all its tries, counted with the deletion itself, so that a retry after an unrecorded success still
    /// reports the right number.
    /// </summary>
    Task<long> DeleteParticipantAsync(string studyId, string participant, Guid deletionId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Forgets blocked pseudonyms (and, in PostgreSQL, any dead-lettered upload of theirs) blocked more than
    /// <paramref name="olderThan"/> ago: by then nothing sent under them can still arrive. Returns how many it forgot.
    /// </summary>
    Task<int> PruneDeletedAsync(TimeSpan olderThan, CancellationToken cancellationToken = default);

    /// <summary>Deletes all of the study's raw data at once, and keeps any that arrives later from being stored. Idempotent.</summary>
    Task DropStudyAsync(string studyId, CancellationToken cancellationToken = default);
}
