using System.Runtime.CompilerServices;
using Rally.Grains.Ingestion;

namespace Rally.Tests.Infrastructure;

/// <summary>A study event store that hands every call to another: a test overrides the one call it changes.</summary>
public abstract class PassThroughEventStore(IStudyEventStore inner) : IStudyEventStore
{
    public virtual Task<int> AppendAsync(IReadOnlyList<EventBatch> batches, CancellationToken cancellationToken = default) =>
        inner.AppendAsync(batches, cancellationToken);

    public virtual async IAsyncEnumerable<StoredEvent> ReadAsync(string studyId, EventCursor after, int limit, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var e in inner.ReadAsync(studyId, after, limit, cancellationToken))
        {
            yield return e;
        }
    }

    public virtual Task<StudyEventStats> GetStatsAsync(string studyId, CancellationToken cancellationToken = default) =>
        inner.GetStatsAsync(studyId, cancellationToken);

    public virtual Task<StudyEventStats> CountClippedAsync(string studyId, EventDomain domain, int perParticipant, CancellationToken cancellationToken = default) =>
        inner.CountClippedAsync(studyId, domain, perParticipant, cancellationToken);

    public virtual Task<long> DeleteParticipantAsync(string studyId, string participant, Guid deletionId, CancellationToken cancellationToken = default) =>
        inner.DeleteParticipantAsync(studyId, participant, deletionId, cancellationToken);

    public virtual Task<int> PruneDeletedAsync(TimeSpan olderThan, CancellationToken cancellationToken = default) =>
        inner.PruneDeletedAsync(olderThan, cancellationToken);

    public virtual Task DropStudyAsync(string studyId, CancellationToken cancellationToken = default) =>
        inner.DropStudyAsync(studyId, cancellationToken);
}
