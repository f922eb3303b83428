using System.Data;
using System.Diagnostics;
using Npgsql;
using Rally.Silo.EventStore;

namespace Rally.Benchmarks.Ingest;

/// <summary>
/// Watches a study's events become visible as committed in <c>rally_study_events</c>, about every 20 ms,
/// and notes for each upload when all of its events were first seen.
/// </summary>
/// <remarks>
/// Sinks commit concurrently, so rows do not become visible in <c>seq</c> order. Each poll reads, in one
/// snapshot, the rows of transactions not older than the previous poll's oldest running transaction
/// (<c>pg_snapshot_xmin</c>): every transaction before that had ended before the previous poll, so its rows
/// were already seen, and no commit is missed. A row is taken as committed at the start of the first poll
/// that sees it (so within one poll interval of its commit).
/// </remarks>
internal sealed class CommitWatcher(string connectionString, string studyId, IReadOnlyList<UploadBatch> batches)
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(20);

    private readonly Dictionary<Guid, int> _batchOf = batches
        .SelectMany(b => b.Ids.Select(id => (id, b.Index)))
        .ToDictionary(x => x.id, x => x.Index);

    private readonly HashSet<Guid> _seen = [];
    private readonly int[] _pending = [.. batches.Select(b => b.Ids.Length)];
    private long _expected = long.MaxValue;

    /// <summary>When each upload's events were all visible (a <see cref="Stopwatch"/> timestamp), or 0.</summary>
    public long[] VisibleAt { get; } = new long[batches.Count];

    /// <summary>Rows of the study seen, including any the benchmark did not send (there must be none).</summary>
    public long Seen => _seen.Count;

    public long Polls { get; private set; }

    /// <summary>Once set, the watch ends when this many events have been seen.</summary>
    public void Expect(long events) => Interlocked.Exchange(ref _expected, events);

    /// <summary>Polls until the expected count is seen or <paramref name="stop"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(stop);
        // The partition grows from empty during the run and autovacuum has not analysed it yet: the planner takes it
        // for a few rows and reads it whole every 20 ms (7–9 s of PostgreSQL's CPU a run, counted against Rally's
        // figure). The (tx, seq) index of the study's own partition, read by name as the export does, answers each
        // poll from where the last one left off.
        await using (var plan = new NpgsqlCommand("SET enable_seqscan = off", connection))
        {
            await plan.ExecuteNonQueryAsync(stop);
        }
        var partition = PostgresStudyEventStore.PartitionName(studyId);
        // The sink makes the partition with its first batch.
        await using (var exists = new NpgsqlCommand("SELECT to_regclass($1) IS NOT NULL", connection) { Parameters = { new() { Value = partition } } })
        {
            while (!(bool)(await exists.ExecuteScalarAsync(stop))! && !stop.IsCancellationRequested)
            {
                await Task.Delay(Interval, stop);
            }
        }
        long previousXmin = 0;
        while (_seen.Count < Interlocked.Read(ref _expected) && !stop.IsCancellationRequested)
        {
            var pollStarted = Stopwatch.GetTimestamp();
            await using (var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, stop))
            {
                await using var batch = new NpgsqlBatch(connection, transaction)
                {
                    BatchCommands =
                    {
                        new NpgsqlBatchCommand("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint"),
                        new NpgsqlBatchCommand($"SELECT id FROM {partition} WHERE tx >= $1::text::xid8")
                        {
                            Parameters = { new() { Value = previousXmin } },
                        },
                    },
                };
                await using var reader = await batch.ExecuteReaderAsync(stop);
                await reader.ReadAsync(stop);
                var xmin = reader.GetInt64(0);
                await reader.NextResultAsync(stop);
                while (await reader.ReadAsync(stop))
                {
                    Saw(reader.GetGuid(0), pollStarted);
                }
                await reader.CloseAsync();
                await transaction.CommitAsync(stop);
                previousXmin = xmin;
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
        if (!_seen.Add(id) || !_batchOf.TryGetValue(id, out var batch))
        {
            return;
        }
        if (--_pending[batch] == 0)
        {
            VisibleAt[batch] = at;
        }
    }
}
