using System.Runtime.CompilerServices;
using Rally.Grains.Ingestion;

namespace Rally.Silo.EventStore;

/// <summary>The embedded default's store: every study's events in this process's memory (not durable).</summary>
public sealed class MemoryStudyEventStore(TimeProvider clock) : IStudyEventStore
{
    public MemoryStudyEventStore()
        : this(TimeProvider.System)
    {
    }

    private readonly Lock _lock = new();
    private readonly Dictionary<string, SortedList<long, StoredEvent>> _studies = [];
    private readonly Dictionary<(string, Guid), long> _ids = [];
    /// <summary>Blocked pseudonyms, with when they were blocked (for pruning only: no timestamp decides what is stored).</summary>
    private readonly Dictionary<(string Study, string Participant), DateTimeOffset> _blocked = [];
    private readonly HashSet<string> _droppedStudies = [];
    private readonly Dictionary<Guid, long> _receipts = [];
    private long _cursor;

    public Task<int> AppendAsync(IReadOnlyList<EventBatch> batches, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batches);
        var added = 0;
        lock (_lock)
        {
            foreach (var batch in batches)
            {
                added += Append(batch);
            }
        }
        return Task.FromResult(added);
    }

    private int Append(EventBatch batch)
    {
        if (_droppedStudies.Contains(batch.StudyId)
            || _blocked.ContainsKey((batch.StudyId, batch.Participant)))
        {
            return 0;
        }
        if (!_studies.TryGetValue(batch.StudyId, out var events))
        {
            _studies[batch.StudyId] = events = [];
        }
        var added = 0;
        foreach (var e in batch.Events)
        {
            if (_ids.TryAdd((batch.StudyId, e.Id), _cursor + 1))
            {
                var cursor = ++_cursor;
                events.Add(cursor, new StoredEvent(e.Id, batch.Participant, e.Type, e.CollectedAt, batch.ReceivedAt, e.PrivateWindow, e.Payload, new EventCursor(0, cursor)));
                added++;
            }
        }
        return added;
    }

    public async IAsyncEnumerable<StoredEvent> ReadAsync(string studyId, EventCursor after, int limit, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // Pages of a copy, so a long export never holds the lock.
        const int page = 1000;
        var sent = 0;
        while (sent < limit)
        {
            StoredEvent[] chunk;
            lock (_lock)
            {
                chunk = _studies.TryGetValue(studyId, out var events)
                    ? [.. events.Values.Where(e => e.Cursor.Sequence > after.Sequence).Take(Math.Min(page, limit - sent))]
                    : [];
            }
            if (chunk.Length == 0)
            {
                yield break;
            }
            foreach (var e in chunk)
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return e;
            }
            sent += chunk.Length;
            after = chunk[^1].Cursor;
            await Task.Yield();
        }
    }

    public Task<StudyEventStats> GetStatsAsync(string studyId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var events = _studies.TryGetValue(studyId, out var stored) ? stored.Values.ToArray() : [];
            return Task.FromResult(new StudyEventStats(
                events.GroupBy(e => e.Type).ToDictionary(g => g.Key, g => (long)g.Count()),
                events.GroupBy(e => DateOnly.FromDateTime(e.CollectedAt.UtcDateTime)).ToDictionary(g => g.Key, g => (long)g.Count())));
        }
    }

    public Task<StudyEventStats> CountClippedAsync(string studyId, EventDomain domain, int perParticipant, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(domain);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(perParticipant);
        var types = domain.Types.ToHashSet(StringComparer.Ordinal);
        StoredEvent[] counted;
        lock (_lock)
        {
            counted = _studies.TryGetValue(studyId, out var stored)
                ? [.. stored.Values
                    .Where(e => types.Contains(e.Type) && e.CollectedAt >= domain.Start && e.CollectedAt < domain.End)
                    .GroupBy(e => e.Participant, StringComparer.Ordinal)
                    .SelectMany(p => p.OrderBy(e => e.CollectedAt).ThenBy(e => e.Id).Take(perParticipant))]
                : [];
        }
        return Task.FromResult(new StudyEventStats(
            counted.GroupBy(e => e.Type, StringComparer.Ordinal).ToDictionary(g => g.Key, g => (long)g.Count(), StringComparer.Ordinal),
            counted.GroupBy(e => DateOnly.FromDateTime(e.CollectedAt.UtcDateTime)).ToDictionary(g => g.Key, g => (long)g.Count())));
    }

    public Task<long> DeleteParticipantAsync(string studyId, string participant, Guid deletionId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            _blocked.TryAdd((studyId, participant), clock.GetUtcNow());
            var doomed = _studies.TryGetValue(studyId, out var events)
                ? events.Values.Where(e => e.Participant == participant).ToArray()
                : [];
            foreach (var e in doomed)
            {
                events!.Remove(e.Cursor.Sequence);
                _ids.Remove((studyId, e.Id));
            }
            var total = _receipts.GetValueOrDefault(deletionId) + doomed.Length;
            _receipts[deletionId] = total;
            return Task.FromResult(total);
        }
    }

    public Task<int> PruneDeletedAsync(TimeSpan olderThan, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var cutOff = clock.GetUtcNow() - olderThan;
            var old = _blocked.Where(b => b.Value < cutOff).Select(b => b.Key).ToArray();
            foreach (var key in old)
            {
                _blocked.Remove(key);
            }
            return Task.FromResult(old.Length);
        }
    }

    public Task DropStudyAsync(string studyId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            _droppedStudies.Add(studyId);
            if (_studies.Remove(studyId, out var events))
            {
                foreach (var e in events.Values)
                {
                    _ids.Remove((studyId, e.Id));
                }
            }
        }
        return Task.CompletedTask;
    }
}
