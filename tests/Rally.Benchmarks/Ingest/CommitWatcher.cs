using System.Data;
using System.Diagnostics;
using Npgsql;
using Rally.Silo.EventStore;

namespace Rally.Benchmarks.Ingest;

/// <summary>
/// Watches studies' events become visible as committed in <c>rally_study_events</c>, about every 20 ms (longer for
/// many studies, see <see cref="Interval"/>), and notes for each upload when all of its events were first seen.
/// </summary>
/// <remarks>
/// Sinks commit concurrently, so rows do not become visible in <c>seq</c> order. Each poll reads, in one
/// snapshot, the rows of transactions not older than the previous poll's oldest running transaction
/// (<c>pg_snapshot_xmin</c>): every transaction before that had ended before the previous poll, so its rows
/// were already seen, and no commit is missed. A row is taken as committed at the start of the first poll
/// that sees it (so within one poll interval of its commit).
/// </remarks>
internal sealed class CommitWatcher(string connectionString, string[] studyIds, IReadOnlyList<UploadBatch> batches)
{
    /// <summary>The oldest transaction still running: every one before it has ended.</summary>
    private const string OldestRunning = "SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint";

    private readonly Dictionary<Guid, int> _batchOf = batches
        .SelectMany(b => b.Ids.Select(id => (id, b.Index)))
        .ToDictionary(x => x.id, x => x.Index);

    private readonly HashSet<Guid> _seen = []; // of the measured uploads' events only (not the warm-up's)
    private readonly int[] _pending = [.. batches.Select(b => b.Ids.Length)];
    private long _expected = long.MaxValue;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once the watcher knows where to read from: the measured uploads may start.</summary>
    public Task Ready => _ready.Task;

    /// <summary>
    /// How often the watcher polls: 20 ms, and 1 ms more a study past 20 so that its own reads (an index scan of each
    /// study's partition a poll) stay a small part of PostgreSQL's CPU, which is counted against Rally's figure.
    /// </summary>
    public TimeSpan Interval { get; } = TimeSpan.FromMilliseconds(20 + Math.Max(0, studyIds.Length - 20));

    /// <summary>When each upload's events were all visible (a <see cref="Stopwatch"/> timestamp), or 0.</summary>
    public long[] VisibleAt { get; } = new long[batches.Count];

    public long Polls { get; private set; }

    /// <summary>Once set, the watch ends when this many events have been seen.</summary>
    public void Expect(long events) => Interlocked.Exchange(ref _expected, events);

    /// <summary>Polls until the expected count is seen or <paramref name="stop"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(stop);
        // The partition grows from empty during the run and autovacuum has not analysed it yet: the planner takes it
        // for a few rows and reads it whole every poll (7–9 s of PostgreSQL's CPU a run, counted against Rally's
        // figure). The (tx, seq) index of each study's own partition, read by name as the export does, answers each
        // poll from where the last one left off.
        await using (var plan = new NpgsqlCommand("SET enable_seqscan = off", connection))
        {
            await plan.ExecuteNonQueryAsync(stop);
        }
        var partitions = studyIds.Select(PostgresStudyEventStore.PartitionName).ToArray();
        var since = new NpgsqlParameter();
        // The warm-up made every measured study's partition (each study gets some of its uploads).
        await using (var exists = new NpgsqlCommand("SELECT bool_and(to_regclass(p) IS NOT NULL) FROM unnest($1::text[]) p", connection)
        {
            Parameters = { new() { Value = partitions } },
        })
        {
            if (!(bool)(await exists.ExecuteScalarAsync(stop))!)
            {
                throw new InvalidOperationException("A measured study has no partition: the warm-up did not reach every study.");
            }
        }
        // From the oldest transaction running now, before any measured upload is sent (Ready): the warm-up's rows, all
        // stored before, need not be read again, and no measured commit can be older.
        await using (var now = new NpgsqlCommand(OldestRunning, connection))
        {
            since.Value = (long)(await now.ExecuteScalarAsync(stop))!;
        }
        _ready.TrySetResult();
        await using var poll = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand(OldestRunning),
                new NpgsqlBatchCommand(string.Join(" UNION ALL ", partitions.Select(p => $"SELECT id FROM {p} WHERE tx >= $1::text::xid8")))
                {
                    Parameters = { since },
                },
            },
        };
        await poll.PrepareAsync(stop);
        while (_seen.Count < Interlocked.Read(ref _expected) && !stop.IsCancellationRequested)
        {
            var pollStarted = Stopwatch.GetTimestamp();
            await using (var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, stop))
            {
                poll.Transaction = transaction;
                await using var reader = await poll.ExecuteReaderAsync(stop);
                await reader.ReadAsync(stop);
                var xmin = reader.GetInt64(0);
                await reader.NextResultAsync(stop);
                while (await reader.ReadAsync(stop))
                {
                    Saw(reader.GetGuid(0), pollStarted);
                }
                await reader.CloseAsync();
                await transaction.CommitAsync(stop);
                since.Value = xmin;
            }
            Polls++;
            var elapsed = Stopwatch.GetElapsedTime(pollStarted);
            if (elapsed < Interval)
            {
                await Task.Delay(Interval - elapsed, stop);
            }
        }
    }

    private void Saw(Guid id, long at)
    {
        if (!_batchOf.TryGetValue(id, out var batch) || !_seen.Add(id))
        {
            return;
        }
        if (--_pending[batch] == 0)
        {
            VisibleAt[batch] = at;
        }
    }
}
