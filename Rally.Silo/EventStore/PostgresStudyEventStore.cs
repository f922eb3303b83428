using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using Npgsql;
using NpgsqlTypes;
using Rally.Grains.Ingestion;
using Rally.Silo.Streams;

namespace Rally.Silo.EventStore;

/// <summary>
/// Study events in PostgreSQL (<c>deploy/sql/0006_study_events.sql</c>): one LIST partition per study. A deletion
/// also purges the stream's dead letters of what it deletes (<see cref="DeadLetterPurge"/>, where the streams are
/// PostgreSQL's).
/// </summary>
public sealed class PostgresStudyEventStore(NpgsqlDataSource dataSource, DeadLetterPurge? deadLetters = null) : IStudyEventStore
{
    private readonly ConcurrentDictionary<string, Task> _partitions = new(StringComparer.Ordinal);

    public async Task<int> AppendAsync(IReadOnlyList<EventBatch> batches, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batches);
        var rows = 0;
        var locks = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var batch in batches)
        {
            await EnsurePartitionAsync(batch.StudyId, cancellationToken);
            rows += batch.Events.Length;
            locks.Add(batch.StudyId);
            locks.Add(batch.StudyId + "/" + batch.Participant);
        }
        if (rows == 0)
        {
            return 0;
        }

        try
        {
            return await OnConnectionAsync(() => StoreAsync(batches, locks, skipStored: false, cancellationToken), repeat: false);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            // Events already stored (a redelivered batch, an upload resent while its first copy was queued) are rare:
            // the COPY then fails whole on the partition's unique id (nothing was kept), and the call runs again as an
            // INSERT that skips them.
            return await OnConnectionAsync(() => StoreAsync(batches, locks, skipStored: true, cancellationToken), repeat: false);
        }
    }

    private const string LockShared = "SELECT count(pg_advisory_xact_lock_shared(hashtextextended(k, 0))) FROM unnest($1) AS k";

    private const string CopySql =
        "COPY rally_study_events (study_id, id, participant, type, collected_at, received_at, private_window, jwe) FROM STDIN (FORMAT BINARY)";

    /// <summary>
    /// The sink's write, in one transaction with the shared locks (see 0007_deletions.sql): the batches the blocked
    /// pseudonyms and dropped studies let in, by binary COPY, or, when some events are stored already, by an INSERT that
    /// skips them. COPY costs PostgreSQL a fraction of an <c>INSERT … SELECT FROM unnest(…)</c> a row (no arrays to
    /// unpack, and no speculative insertion, hence no confirmation record in the WAL); the unique id index still refuses
    /// a duplicate.
    /// </summary>
    private async Task<int> StoreAsync(IReadOnlyList<EventBatch> batches, SortedSet<string> locks, bool skipStored, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var admitted = await AdmittedAsync(connection, transaction, batches, locks, cancellationToken);
        var written = admitted.Count == 0 ? 0
            : skipStored ? await InsertSkippingStoredAsync(connection, transaction, admitted, cancellationToken)
            : await CopyAsync(connection, admitted, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return written;
    }

    /// <summary>
    /// Takes the shared locks and keeps the batches they let in: none of a dropped study, none of a blocked pseudonym
    /// (or, for a deletion recorded before pseudonyms were per enrollment, none received before its cut).
    /// </summary>
    private static async Task<List<EventBatch>> AdmittedAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<EventBatch> batches, SortedSet<string> locks, CancellationToken cancellationToken)
    {
        var keys = batches.Select(b => (b.StudyId, b.Participant)).Distinct().ToArray();
        var blocked = new Dictionary<(string Study, string Participant), DateTime?>();
        var dropped = new HashSet<string>(StringComparer.Ordinal);
        await using (var read = new NpgsqlBatch(connection, transaction))
        {
            read.BatchCommands.Add(new NpgsqlBatchCommand(LockShared) { Parameters = { new NpgsqlParameter<string[]> { TypedValue = [.. locks] } } });
            read.BatchCommands.Add(new NpgsqlBatchCommand("""
                SELECT d.study_id, d.participant, d.deleted_before
                FROM rally_deleted_participants d JOIN unnest($1, $2) AS k(study_id, participant)
                  ON d.study_id = k.study_id AND d.participant = k.participant
                """)
            {
                Parameters =
                {
                    new NpgsqlParameter<string[]> { TypedValue = [.. keys.Select(k => k.StudyId)] },
                    new NpgsqlParameter<string[]> { TypedValue = [.. keys.Select(k => k.Participant)] },
                },
            });
            read.BatchCommands.Add(new NpgsqlBatchCommand("SELECT study_id FROM rally_dropped_studies WHERE study_id = ANY($1)")
            {
                Parameters = { new NpgsqlParameter<string[]> { TypedValue = [.. keys.Select(k => k.StudyId).Distinct()] } },
            });
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            await reader.NextResultAsync(cancellationToken); // past the locks' count
            while (await reader.ReadAsync(cancellationToken))
            {
                blocked[(reader.GetString(0), reader.GetString(1))] = reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTime>(2);
            }
            await reader.NextResultAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                dropped.Add(reader.GetString(0));
            }
        }
        return [.. batches.Where(b => !dropped.Contains(b.StudyId)
            && !(blocked.TryGetValue((b.StudyId, b.Participant), out var before) && (before is null || before >= b.ReceivedAt.UtcDateTime)))];
    }

    private static async Task<int> CopyAsync(NpgsqlConnection connection, List<EventBatch> batches, CancellationToken cancellationToken)
    {
        var written = 0;
        await using var copy = await connection.BeginBinaryImportAsync(CopySql, cancellationToken);
        foreach (var batch in batches)
        {
            var received = batch.ReceivedAt.UtcDateTime;
            foreach (var e in batch.Events)
            {
                await copy.StartRowAsync(cancellationToken);
                await copy.WriteAsync(batch.StudyId, NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(e.Id, NpgsqlDbType.Uuid, cancellationToken);
                await copy.WriteAsync(batch.Participant, NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(e.Type, NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(e.CollectedAt.UtcDateTime, NpgsqlDbType.TimestampTz, cancellationToken);
                await copy.WriteAsync(received, NpgsqlDbType.TimestampTz, cancellationToken);
                await copy.WriteAsync(e.PrivateWindow, NpgsqlDbType.Boolean, cancellationToken);
                await copy.WriteAsync(e.PackedJwe, NpgsqlDbType.Bytea, cancellationToken);
                written++;
            }
        }
        await copy.CompleteAsync(cancellationToken);
        return written;
    }

    /// <summary>
    /// The write when some events are stored already: one <c>INSERT … ON CONFLICT DO NOTHING</c> for every row of every
    /// batch. Each partition's unique index on <c>id</c> (see <see cref="PartitionDdl"/>) is what it meets: an event id is
    /// stored once per study; the first of two in one call is kept.
    /// </summary>
    private static async Task<int> InsertSkippingStoredAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, List<EventBatch> batches, CancellationToken cancellationToken)
    {
        // Column arrays for unnest: one statement for every row of every batch.
        var rows = batches.Sum(b => b.Events.Length);
        var studies = new string[rows];
        var participants = new string[rows];
        var received = new DateTime[rows];
        var ids = new Guid[rows];
        var types = new string[rows];
        var collected = new DateTime[rows];
        var privateWindows = new bool[rows];
        var jwes = new byte[]?[rows];
        var row = 0;
        foreach (var batch in batches)
        {
            foreach (var e in batch.Events)
            {
                studies[row] = batch.StudyId;
                participants[row] = batch.Participant;
                received[row] = batch.ReceivedAt.UtcDateTime;
                ids[row] = e.Id;
                types[row] = e.Type;
                collected[row] = e.CollectedAt.UtcDateTime;
                privateWindows[row] = e.PrivateWindow;
                jwes[row] = e.PackedJwe;
                row++;
            }
        }
        await using var insert = new NpgsqlCommand("""
            INSERT INTO rally_study_events (study_id, id, participant, type, collected_at, received_at, private_window, jwe)
            SELECT e.study_id, e.id, e.participant, e.type, e.collected_at, e.received_at, e.private_window, e.jwe
            FROM unnest($1, $2, $3, $4, $5, $6, $7, $8) WITH ORDINALITY
                 AS e(study_id, participant, received_at, id, type, collected_at, private_window, jwe, n)
            ORDER BY e.n
            ON CONFLICT DO NOTHING
            """, connection, transaction)
        {
            Parameters =
            {
                new NpgsqlParameter<string[]> { TypedValue = studies },
                new NpgsqlParameter<string[]> { TypedValue = participants },
                new NpgsqlParameter<DateTime[]> { TypedValue = received, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz },
                new NpgsqlParameter<Guid[]> { TypedValue = ids },
                new NpgsqlParameter<string[]> { TypedValue = types },
                new NpgsqlParameter<DateTime[]> { TypedValue = collected, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz },
                new NpgsqlParameter<bool[]> { TypedValue = privateWindows },
                new NpgsqlParameter<byte[]?[]> { TypedValue = jwes, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea },
            },
        };
        return await insert.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<long> DeleteParticipantAsync(string studyId, string participant, Guid deletionId, CancellationToken cancellationToken = default)
    {
        var deleted = await OnConnectionAsync(async () =>
        {
            // One transaction, two round trips: the count is the DELETE's own rows-affected, which PostgreSQL reports
            // for free, rather than its rows returned into a CTE and counted there (≈10 % of the statement's time
            // for 100,000 rows), and the receipt is written with it before the commit.
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using var batch = new NpgsqlBatch(connection, transaction);
            batch.BatchCommands.Add(Command(LockExclusive, ("study", studyId), ("participant", participant)));
            // Blocked for good (see 0009_blocked_pseudonyms.sql): no timestamp decides what is deleted or kept out.
            batch.BatchCommands.Add(Command("""
                INSERT INTO rally_deleted_participants (study_id, participant, deleted_before) VALUES (@study, @participant, NULL)
                ON CONFLICT (study_id, participant) DO UPDATE SET deleted_before = NULL
                """, ("study", studyId), ("participant", participant)));
            var delete = Command("DELETE FROM rally_study_events WHERE study_id = @study AND participant = @participant",
                ("study", studyId), ("participant", participant));
            batch.BatchCommands.Add(delete);
            await batch.ExecuteNonQueryAsync(cancellationToken);
            // The count is kept with the deletion, in its transaction (see 0008_deletion_receipts.sql); a retry of a
            // request whose removal committed deletes nothing more and reads the count kept then.
            await using var receipt = new NpgsqlCommand("""
                INSERT INTO rally_deletion_receipts (deletion_id, study_id, deleted_events) VALUES (@deletion, @study, @deleted)
                ON CONFLICT (deletion_id) DO UPDATE SET deleted_events = rally_deletion_receipts.deleted_events + excluded.deleted_events
                RETURNING deleted_events
                """, connection, transaction);
            receipt.Parameters.AddWithValue("deletion", deletionId);
            receipt.Parameters.AddWithValue("study", studyId);
            receipt.Parameters.AddWithValue("deleted", (long)delete.RecordsAffected);
            var count = (long)(await receipt.ExecuteScalarAsync(cancellationToken) ?? throw new InvalidOperationException("The deletion returned no count."));
            await transaction.CommitAsync(cancellationToken);
            return count;
        }, repeat: false);
        // Uploads of the enrollment the stream gave up on go too (after the block, nothing more can join them but
        // what is in flight, which the pruning of the blocked pseudonym purges again).
        if (deadLetters is not null)
        {
            await deadLetters.PurgeAsync(studyId, participant, cancellationToken);
        }
        return deleted;
    }

    public async Task<int> PruneDeletedAsync(TimeSpan olderThan, CancellationToken cancellationToken = default)
    {
        // A page at a time: each pseudonym's late dead letters are purged before it is forgotten.
        await using var due = dataSource.CreateCommand(
            "SELECT study_id, participant FROM rally_deleted_participants WHERE deleted_on < now() - @age ORDER BY deleted_on LIMIT 1000");
        due.Parameters.AddWithValue("age", olderThan);
        var rows = new List<(string Study, string Participant)>();
        await using (var reader = await ReadAsync(due, System.Data.CommandBehavior.Default, cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add((reader.GetString(0), reader.GetString(1)));
            }
        }
        if (rows.Count == 0)
        {
            return 0;
        }
        if (deadLetters is not null)
        {
            // One pass over the dead letters for the whole page.
            await deadLetters.PurgeAsync([.. rows.Select(r => (r.Study, (string?)r.Participant))], cancellationToken);
        }
        await using var forget = dataSource.CreateCommand("""
            DELETE FROM rally_deleted_participants d
            USING unnest(@studies, @participants) AS f(study_id, participant)
            WHERE d.study_id = f.study_id AND d.participant = f.participant AND d.deleted_on < now() - @age
            """);
        forget.Parameters.AddWithValue("studies", rows.Select(r => r.Study).ToArray());
        forget.Parameters.AddWithValue("participants", rows.Select(r => r.Participant).ToArray());
        forget.Parameters.AddWithValue("age", olderThan);
        return await OnConnectionAsync(() => forget.ExecuteNonQueryAsync(cancellationToken), repeat: true);
    }

    public async Task DropStudyAsync(string studyId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateBatch();
        command.BatchCommands.Add(Command("SELECT pg_advisory_xact_lock(hashtextextended(@study, 0))", ("study", studyId)));
        command.BatchCommands.Add(Command("INSERT INTO rally_dropped_studies (study_id) VALUES (@study) ON CONFLICT DO NOTHING", ("study", studyId)));
        // Dropping the partition frees the study's raw data at once, whatever its size.
        command.BatchCommands.Add(new NpgsqlBatchCommand($"DROP TABLE IF EXISTS {PartitionName(studyId)}"));
        await WriteAsync(command, cancellationToken);
        _partitions.TryRemove(studyId, out _);
        if (deadLetters is not null)
        {
            await deadLetters.PurgeAsync(studyId, participant: null, cancellationToken);
        }
    }

    /// <summary>
    /// Appends take the study's and each participant's lock shared (keys <c>study</c> and <c>study/participant</c>);
    /// a deletion of one participant's data takes its key alone, and the whole study's drop the study's.
    /// </summary>
    private const string LockExclusive = """
        SELECT pg_advisory_xact_lock_shared(hashtextextended(@study, 0)),
               pg_advisory_xact_lock(hashtextextended(@study || '/' || @participant, 0))
        """;

    private static NpgsqlBatchCommand Command(string sql, params (string Name, object Value)[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        return command;
    }

    public async IAsyncEnumerable<StoredEvent> ReadAsync(string studyId, EventCursor after, int limit, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // Only transactions older than every running one (see 0006_study_events.sql): a cursor never skips a late commit.
        // The study's partition by name, not `study_id = @study` on the partitioned table: a partition not analysed yet
        // gives that condition a default selectivity of 0.5 %, and the planner then sorts every row after the cursor
        // rather than walk the (tx, seq) index for one page. ORDER BY names the columns, not the bigint outputs of the
        // same names, which the index could not give in order.
        await using var command = dataSource.CreateCommand(ReadSql(studyId));
        command.Parameters.AddWithValue("tx", after.Transaction);
        command.Parameters.AddWithValue("seq", after.Sequence);
        command.Parameters.AddWithValue("limit", limit);
        // Rows are read off the wire one by one: an export of millions of events runs in constant memory.
        // No partition: the study has no data yet, or it was dropped.
        await using var reader = await ReadPartitionAsync(command, System.Data.CommandBehavior.SequentialAccess, cancellationToken);
        while (reader is not null && await reader.ReadAsync(cancellationToken))
        {
            var (id, participant, type) = (reader.GetGuid(0), reader.GetString(1), reader.GetString(2));
            var (collectedAt, receivedAt) = (reader.GetFieldValue<DateTimeOffset>(3), reader.GetFieldValue<DateTimeOffset>(4));
            var (privateWindow, cursor) = (reader.GetBoolean(5), new EventCursor(reader.GetInt64(6), reader.GetInt64(7)));
            // Rows stored before JWEs were kept as bytes hold the text (see 0011_jwe_bytes.sql); both give the upload back.
            var payload = reader.IsDBNull(8) ? JweBytes.Unpack(reader.GetFieldValue<byte[]>(9)) : reader.GetString(8);
            yield return new StoredEvent(id, participant, type, collectedAt, receivedAt, privateWindow, payload, cursor);
        }
    }

    /// <summary>One page of a study's export, after the cursor <c>(@tx, @seq)</c> (see <see cref="ReadAsync"/>).</summary>
    internal static string ReadSql(string studyId) => $"""
        SELECT id, participant, type, collected_at, received_at, private_window, tx::text::bigint, seq, payload, jwe
        FROM {PartitionName(studyId)} AS e
        WHERE (e.tx, e.seq) > (@tx::bigint::text::xid8, @seq)
          AND e.tx < pg_snapshot_xmin(pg_current_snapshot())
        ORDER BY e.tx, e.seq
        LIMIT @limit
        """;

    public async Task<StudyEventStats> GetStatsAsync(string studyId, CancellationToken cancellationToken = default)
    {
        var byType = new Dictionary<string, long>(StringComparer.Ordinal);
        var byDay = new Dictionary<DateOnly, long>();
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT type, count(*) FROM rally_study_events WHERE study_id = $1 GROUP BY type") { Parameters = { new() { Value = studyId } } });
        batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT (collected_at AT TIME ZONE 'UTC')::date, count(*) FROM rally_study_events WHERE study_id = $1 GROUP BY 1") { Parameters = { new() { Value = studyId } } });
        await using var reader = await OnConnectionAsync(() => batch.ExecuteReaderAsync(cancellationToken), repeat: true);
        while (await reader.ReadAsync(cancellationToken))
        {
            byType[reader.GetString(0)] = reader.GetInt64(1);
        }
        await reader.NextResultAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            byDay[reader.GetFieldValue<DateOnly>(0)] = reader.GetInt64(1);
        }
        return new StudyEventStats(byType, byDay);
    }

    public async Task<StudyEventStats> CountClippedAsync(string studyId, EventDomain domain, int perParticipant, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(domain);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(perParticipant);
        // Each pseudonym's events in the domain are numbered by collection time; only its first few are counted.
        // One pass over the study's partition; both margins come from the same clipped rows (grouping sets).
        await using var command = dataSource.CreateCommand("""
            SELECT type, day, count(*)
            FROM (SELECT type, (collected_at AT TIME ZONE 'UTC')::date AS day,
                         row_number() OVER (PARTITION BY participant ORDER BY collected_at, id) AS n
                  FROM rally_study_events
                  WHERE study_id = @study AND type = ANY(@types) AND collected_at >= @start AND collected_at < @end) AS e
            WHERE n <= @cap
            GROUP BY GROUPING SETS ((type), (day))
            """);
        command.Parameters.AddWithValue("study", studyId);
        command.Parameters.AddWithValue("types", domain.Types.ToArray());
        command.Parameters.AddWithValue("start", domain.Start.UtcDateTime);
        command.Parameters.AddWithValue("end", domain.End.UtcDateTime);
        command.Parameters.AddWithValue("cap", (long)perParticipant);
        var byType = new Dictionary<string, long>(StringComparer.Ordinal);
        var byDay = new Dictionary<DateOnly, long>();
        await using var reader = await ReadAsync(command, System.Data.CommandBehavior.Default, cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            if (!reader.IsDBNull(0))
            {
                byType[reader.GetString(0)] = reader.GetInt64(2);
            }
            else
            {
                byDay[reader.GetFieldValue<DateOnly>(1)] = reader.GetInt64(2);
            }
        }
        return new StudyEventStats(byType, byDay);
    }

    /// <summary>
    /// Runs one round trip. One that finds its pooled connection cut by the server (a restart, a failover, an outage
    /// now over) empties the pool, whose other idle connections were most likely cut too; a read, safe to repeat,
    /// then runs once more, while a write is left to its caller's retry, which starts afresh.
    /// </summary>
    private async Task<T> OnConnectionAsync<T>(Func<Task<T>> run, bool repeat)
    {
        try
        {
            return await run();
        }
        catch (NpgsqlException ex) when (ConnectionLost(ex))
        {
            dataSource.Clear();
            if (!repeat)
            {
                throw;
            }
            return await run();
        }
    }

    private Task<NpgsqlDataReader> ReadAsync(NpgsqlCommand command, System.Data.CommandBehavior behavior, CancellationToken cancellationToken) =>
        OnConnectionAsync(() => command.ExecuteReaderAsync(behavior, cancellationToken), repeat: true);

    /// <summary>A query of one study's partition by name; null when the study has no partition.</summary>
    private async Task<NpgsqlDataReader?> ReadPartitionAsync(NpgsqlCommand command, System.Data.CommandBehavior behavior, CancellationToken cancellationToken)
    {
        try
        {
            return await ReadAsync(command, behavior, cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return null;
        }
    }

    private Task<int> WriteAsync(NpgsqlBatch batch, CancellationToken cancellationToken) =>
        OnConnectionAsync(() => batch.ExecuteNonQueryAsync(cancellationToken), repeat: false);

    /// <summary>The server ended the session (admin or crash shutdown, or not accepting connections yet) or the socket broke.</summary>
    private static bool ConnectionLost(NpgsqlException ex) =>
        ex is PostgresException { SqlState: PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow }
        || (ex is not PostgresException && ex.InnerException is IOException or System.Net.Sockets.SocketException or EndOfStreamException);

    /// <summary>The study's partition, created once (idempotently: another silo may race us to it).</summary>
    private Task EnsurePartitionAsync(string studyId, CancellationToken cancellationToken)
    {
        var task = _partitions.GetOrAdd(studyId, id => CreatePartitionAsync(id, cancellationToken));
        if (task.IsFaulted || task.IsCanceled)
        {
            _partitions.TryRemove(new KeyValuePair<string, Task>(studyId, task));
        }
        return task;
    }

    private async Task CreatePartitionAsync(string studyId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(PartitionDdl("rally_study_events", PartitionName(studyId), studyId));
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.DuplicateTable or PostgresErrorCodes.UniqueViolation)
        {
            // Created concurrently by another process: exactly what we wanted.
        }
    }

    /// <summary>
    /// A study's partition with its unique index on the event id (see <c>0012_partition_indexes.sql</c>), in one
    /// transaction, so that no partition takes rows without it. The index is made whenever the partition is ensured,
    /// so one created by a silo from before 0012 gets it too. The other indexes come from the partitioned table.
    /// </summary>
    public static string PartitionDdl(string table, string partition, string studyId) => $"""
        CREATE TABLE IF NOT EXISTS {partition} PARTITION OF {table} FOR VALUES IN ({Literal(studyId)});
        CREATE UNIQUE INDEX IF NOT EXISTS {partition}_id ON {partition} (id);
        """;

    /// <summary>A fixed-length name (study ids may be longer than PostgreSQL's identifiers allow).</summary>
    public static string PartitionName(string studyId) =>
        "rally_events_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(studyId)), 0, 12);

    private static string Literal(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
}
