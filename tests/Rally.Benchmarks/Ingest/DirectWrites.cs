using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;
using Rally.Benchmarks.Infrastructure;
using Rally.Grains.Ingestion;
using Rally.Silo.EventStore;

namespace Rally.Benchmarks.Ingest;

/// <summary>
/// Writes the rows the end-to-end run stored straight into PostgreSQL, without HTTP, Orleans or a queue: with
/// binary COPY into <c>bench_copy_events</c> (a copy of <c>rally_study_events</c>'s layout: partitioned by
/// study, same columns, defaults, keys and indexes), and with Rally's own sink statement, all under the first of
/// <paramref name="studyIds"/> (its partition, or one made like it).
/// </summary>
internal sealed class DirectWrites(string connectionString, string[] studyIds)
{
    public const string CopyTable = "bench_copy_events";

    private readonly string _studyId = studyIds[0];

    /// <summary>The studies' stored events, study by study in the order they were stored.</summary>
    public async Task<IReadOnlyList<StoredRow>> ReadStoredAsync()
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT study_id, id, participant, type, collected_at, received_at, private_window, payload, jwe
            FROM rally_study_events WHERE study_id = ANY($1) ORDER BY study_id, seq
            """, connection) { Parameters = { new() { Value = studyIds } } };
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<StoredRow>();
        while (await reader.ReadAsync())
        {
            rows.Add(new StoredRow(reader.GetString(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3),
                reader.GetDateTime(4), reader.GetDateTime(5), reader.GetBoolean(6),
                reader.IsDBNull(7) ? JweBytes.Unpack(reader.GetFieldValue<byte[]>(8)) : reader.GetString(7)));
        }
        return rows;
    }

    /// <summary>Makes <see cref="CopyTable"/> like <c>rally_study_events</c>, with the study's partition.</summary>
    /// <returns>How many indexes each of the two partitions has, to show that they match.</returns>
    public async Task<(int StudyIndexes, int CopyIndexes)> CreateCopyTableAsync()
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var partition = PostgresStudyEventStore.PartitionName(_studyId).Replace("rally_events_", "bench_copy_", StringComparison.Ordinal);
        await using (var create = new NpgsqlCommand($"""
            DROP TABLE IF EXISTS {CopyTable};
            CREATE TABLE {CopyTable} (LIKE rally_study_events INCLUDING ALL) PARTITION BY LIST (study_id);
            {PostgresStudyEventStore.PartitionDdl(CopyTable, partition, _studyId)}
            """, connection))
        {
            await create.ExecuteNonQueryAsync();
        }
        await using var count = new NpgsqlCommand(
            "SELECT (SELECT count(*) FROM pg_indexes WHERE tablename = $1)::int, (SELECT count(*) FROM pg_indexes WHERE tablename = $2)::int",
            connection) { Parameters = { new() { Value = PostgresStudyEventStore.PartitionName(_studyId) }, new() { Value = partition } } };
        await using var reader = await count.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt32(0), reader.GetInt32(1));
    }

    public async Task TruncateCopyTableAsync()
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var truncate = new NpgsqlCommand($"TRUNCATE {CopyTable}", connection);
        await truncate.ExecuteNonQueryAsync();
    }

    /// <summary>Binary COPY of the rows into <see cref="CopyTable"/>, <paramref name="rowsPerCopy"/> to a COPY (each its own transaction), on <paramref name="writers"/> connections.</summary>
    public Task<TimeSpan> CopyAsync(IReadOnlyList<StoredRow> rows, int rowsPerCopy, int writers) =>
        RowCopy.CopyAsync(connectionString, CopyTable, rows, rowsPerCopy, writers);

    /// <summary>
    /// Rally's sink write (<see cref="PostgresStudyEventStore.AppendAsync"/>) from <paramref name="writers"/> concurrent
    /// writers (as the study's sinks are), into the study table under another study id (its own partition, made before
    /// the clock starts). Each call writes <paramref name="uploadsPerCall"/> of one participant's uploads together: 1 is
    /// what the sink does now (one stream item, one transaction); more shows what coalescing items would gain.
    /// </summary>
    public async Task<TimeSpan> SinkStatementAsync(IReadOnlyList<StoredRow> rows, IReadOnlyList<UploadBatch> uploads, int uploadsPerCall, int writers)
    {
        var sinkStudy = $"{_studyId}-sink{uploadsPerCall}";
        var byId = rows.ToDictionary(r => r.Id);
        var batches = uploads
            .GroupBy(u => u.Client)
            .SelectMany(client => client.Chunk(uploadsPerCall))
            .Select(group => group.SelectMany(u => u.Ids).Where(byId.ContainsKey).Select(id => byId[id]).ToArray())
            .Where(r => r.Length > 0)
            .Select(r => new EventBatch(sinkStudy, r[0].Participant, r[0].ReceivedAt,
                [.. r.Select(e => new StudyEvent(e.Id, e.Type, e.CollectedAt, e.PrivateWindow, e.Payload))]))
            .ToArray();
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var store = new PostgresStudyEventStore(dataSource);
        await store.AppendAsync([new EventBatch(sinkStudy, "warm-up", DateTimeOffset.UtcNow, [])]);
        var next = -1;
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, writers).Select(_ => Task.Run(async () =>
        {
            for (var b = Interlocked.Increment(ref next); b < batches.Length; b = Interlocked.Increment(ref next))
            {
                await store.AppendAsync([batches[b]]);
            }
        })));
        return Stopwatch.GetElapsedTime(started);
    }

    /// <summary>
    /// An idempotent path as fast as COPY: each transaction binary-COPYs <paramref name="rowsPerTransaction"/> rows into a
    /// temporary staging table (no WAL) and moves them into the study table with <c>INSERT … SELECT … ON CONFLICT DO
    /// NOTHING</c>, on <paramref name="writers"/> connections, under another study id (its own partition).
    /// </summary>
    public async Task<TimeSpan> StagedCopyAsync(IReadOnlyList<StoredRow> rows, int rowsPerTransaction, int writers)
    {
        var stagedStudy = _studyId + "-staged";
        await using (var dataSource = NpgsqlDataSource.Create(connectionString))
        {
            await new PostgresStudyEventStore(dataSource).AppendAsync([new EventBatch(stagedStudy, "warm-up", DateTimeOffset.UtcNow, [])]);
        }
        var chunks = rows.Chunk(rowsPerTransaction).ToArray();
        foreach (var row in rows)
        {
            _ = row.Jwe; // packed before the clock starts
        }
        var connections = await RowCopy.OpenAsync(connectionString, writers);
        foreach (var connection in connections)
        {
            await using var stage = new NpgsqlCommand("""
                CREATE TEMP TABLE bench_stage (id uuid, participant text, type text, collected_at timestamptz,
                                               received_at timestamptz, private_window boolean, jwe bytea) ON COMMIT DELETE ROWS
                """, connection);
            await stage.ExecuteNonQueryAsync();
        }
        var next = -1;
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(connections.Select(connection => Task.Run(() =>
        {
            for (var c = Interlocked.Increment(ref next); c < chunks.Length; c = Interlocked.Increment(ref next))
            {
                using var transaction = connection.BeginTransaction();
                using (var import = connection.BeginBinaryImport(
                    "COPY bench_stage (id, participant, type, collected_at, received_at, private_window, jwe) FROM STDIN (FORMAT BINARY)"))
                {
                    foreach (var row in chunks[c])
                    {
                        import.StartRow();
                        import.Write(row.Id, NpgsqlDbType.Uuid);
                        import.Write(row.Participant, NpgsqlDbType.Text);
                        import.Write(row.Type, NpgsqlDbType.Text);
                        import.Write(row.CollectedAt, NpgsqlDbType.TimestampTz);
                        import.Write(row.ReceivedAt, NpgsqlDbType.TimestampTz);
                        import.Write(row.PrivateWindow, NpgsqlDbType.Boolean);
                        import.Write(row.Jwe, NpgsqlDbType.Bytea);
                    }
                    import.Complete();
                }
                using var move = new NpgsqlCommand("""
                    INSERT INTO rally_study_events (study_id, id, participant, type, collected_at, received_at, private_window, jwe)
                    SELECT $1, id, participant, type, collected_at, received_at, private_window, jwe FROM bench_stage
                    ON CONFLICT DO NOTHING
                    """, connection, transaction) { Parameters = { new() { Value = stagedStudy } } };
                move.ExecuteNonQuery();
                transaction.Commit();
            }
        })));
        var elapsed = Stopwatch.GetElapsedTime(started);
        await RowCopy.CloseAsync(connections);
        return elapsed;
    }
}
