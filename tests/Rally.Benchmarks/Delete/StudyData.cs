using System.Diagnostics;
using Npgsql;
using Rally.Benchmarks.Infrastructure;
using Rally.Silo.EventStore;

namespace Rally.Benchmarks.Delete;

/// <summary>
/// The study's events in <c>rally_study_events</c> and their mirror <c>bench_delete_events</c> (<c>LIKE
/// rally_study_events INCLUDING ALL</c>, partitioned by study the same way: same columns, defaults, key and
/// indexes), which holds the same rows, copied from the study, for the raw DELETE to work on.
/// </summary>
internal sealed class StudyData(string connectionString, string studyId)
{
    public const string StudyTable = "rally_study_events";
    public const string MirrorTable = "bench_delete_events";

    /// <summary>Rows per COPY when loading (each its own transaction), and the connections that load.</summary>
    private const int RowsPerCopy = 50_000;
    private const int Writers = 2;

    private readonly string _studyPartition = PostgresStudyEventStore.PartitionName(studyId);
    private readonly string _mirrorPartition = PostgresStudyEventStore.PartitionName(studyId).Replace("rally_events_", "bench_delete_", StringComparison.Ordinal);

    /// <summary>The study's partition of <see cref="StudyTable"/>, as the store names it.</summary>
    public string StudyPartition => _studyPartition;

    /// <summary>The mirror's partition of <see cref="MirrorTable"/> for the study.</summary>
    public string MirrorPartition => _mirrorPartition;

    /// <summary>Loads made-up rows into the study with binary COPY (through the partitioned table, as the sink's inserts go).</summary>
    public Task<TimeSpan> LoadAsync(IReadOnlyList<StoredRow> rows) => RowCopy.CopyAsync(connectionString, StudyTable, rows, RowsPerCopy, Writers);

    /// <summary>
    /// Makes the mirror table and copies the study's rows into it, in the study's order. Autovacuum is turned off on
    /// both partitions, so that it cannot run during one side's deletion only; <see cref="VacuumAsync"/> does its work between rounds.
    /// </summary>
    /// <returns>How long the copy took, and how many indexes each of the two partitions has, to show that they match.</returns>
    public async Task<(TimeSpan Copy, int StudyIndexes, int MirrorIndexes)> CreateMirrorAsync()
    {
        await ExecuteAsync($"""
            DROP TABLE IF EXISTS {MirrorTable};
            CREATE TABLE {MirrorTable} (LIKE {StudyTable} INCLUDING ALL) PARTITION BY LIST (study_id);
            {PostgresStudyEventStore.PartitionDdl(MirrorTable, _mirrorPartition, studyId)}
            ALTER TABLE {_mirrorPartition} SET (autovacuum_enabled = false);
            ALTER TABLE {_studyPartition} SET (autovacuum_enabled = false);
            """);
        var started = Stopwatch.GetTimestamp();
        await MirrorRowsAfterAsync(0);
        var copy = Stopwatch.GetElapsedTime(started);

        await using var connection = await OpenAsync();
        await using var count = new NpgsqlCommand(
            "SELECT (SELECT count(*) FROM pg_indexes WHERE tablename = $1)::int, (SELECT count(*) FROM pg_indexes WHERE tablename = $2)::int",
            connection) { Parameters = { new() { Value = _studyPartition }, new() { Value = _mirrorPartition } } };
        await using var reader = await count.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (copy, reader.GetInt32(0), reader.GetInt32(1));
    }

    /// <summary>The study's highest <c>seq</c>: rows loaded afterwards have higher ones.</summary>
    public async Task<long> LastSeqAsync()
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT coalesce(max(seq), 0) FROM {StudyTable} WHERE study_id = $1", connection)
        {
            Parameters = { new() { Value = studyId } },
        };
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Copies the study's rows after <paramref name="seq"/> into the mirror, as they are (ids, <c>tx</c> and <c>seq</c> included).</summary>
    public async Task MirrorRowsAfterAsync(long seq)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand(
            $"INSERT INTO {MirrorTable} SELECT * FROM {StudyTable} WHERE study_id = $1 AND seq > $2 ORDER BY seq", connection)
        {
            Parameters = { new() { Value = studyId }, new() { Value = seq } },
        };
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Events per participant (pseudonym) in the study, or in the mirror.</summary>
    public async Task<Dictionary<string, long>> CountsAsync(string table)
    {
        await using var connection = await OpenAsync();
        // The table is one of this class's two constants.
        await using var command = new NpgsqlCommand($"SELECT participant, count(*) FROM {table} WHERE study_id = $1 GROUP BY participant", connection)
        {
            Parameters = { new() { Value = studyId } },
        };
        await using var reader = await command.ExecuteReaderAsync();
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        while (await reader.ReadAsync())
        {
            counts[reader.GetString(0)] = reader.GetInt64(1);
        }
        return counts;
    }

    /// <summary>Removes the dead rows of the last deletions from both partitions (the same work on each).</summary>
    public async Task VacuumAsync()
    {
        // One statement a command: VACUUM cannot run in the implicit transaction of a batch.
        await ExecuteAsync($"VACUUM {_studyPartition}");
        await ExecuteAsync($"VACUUM {_mirrorPartition}");
    }

    /// <summary>Fresh planner statistics on both partitions.</summary>
    public Task AnalyzeAsync() => ExecuteAsync($"ANALYZE {_studyPartition}; ANALYZE {_mirrorPartition}");

    /// <summary>Sizes in MB of the two partitions' heaps and indexes, to show that the raw DELETE works on the same data.</summary>
    public async Task<(double StudyHeap, double StudyIndexes, double MirrorHeap, double MirrorIndexes)> SizesAsync()
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT pg_relation_size($1::regclass), pg_indexes_size($1::regclass), pg_relation_size($2::regclass), pg_indexes_size($2::regclass)",
            connection) { Parameters = { new() { Value = _studyPartition }, new() { Value = _mirrorPartition } } };
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0) / 1e6, reader.GetInt64(1) / 1e6, reader.GetInt64(2) / 1e6, reader.GetInt64(3) / 1e6);
    }

    /// <summary>The planner's choice for the store's DELETE and for the raw one (EXPLAIN only: nothing is deleted): node names, and JIT if it would compile.</summary>
    public async Task<(string Study, string Mirror)> PlansAsync(string participant)
    {
        await using var connection = await OpenAsync();
        return (
            await PlanAsync(connection, $"EXPLAIN DELETE FROM {StudyTable} WHERE study_id = $1 AND participant = $2", participant),
            await PlanAsync(connection, $"EXPLAIN DELETE FROM {MirrorTable} WHERE study_id = $1 AND participant = $2", participant));
    }

    private async Task<string> PlanAsync(NpgsqlConnection connection, string explain, string participant)
    {
        await using var command = new NpgsqlCommand(explain, connection)
        {
            Parameters = { new() { Value = studyId }, new() { Value = participant } },
        };
        await using var reader = await command.ExecuteReaderAsync();
        var nodes = new List<string>();
        var jit = new List<string>();
        while (await reader.ReadAsync())
        {
            var line = reader.GetString(0).Trim();
            if (jit.Count > 0 || line == "JIT:")
            {
                jit.Add(line.TrimEnd(':'));
            }
            else if (nodes.Count == 0 || line.StartsWith("->", StringComparison.Ordinal))
            {
                // "Index Scan using <partition>_study_id_participant_idx on <partition> <alias>  (cost=…)" → "Index Scan using study_id_participant_idx".
                var node = line.TrimStart('-', '>', ' ');
                var cost = node.IndexOf("  (cost=", StringComparison.Ordinal);
                node = cost < 0 ? node : node[..cost];
                var on = node.IndexOf(" on " + _studyPartition, StringComparison.Ordinal) is >= 0 and var i ? i : node.IndexOf(" on " + _mirrorPartition, StringComparison.Ordinal);
                node = on < 0 ? node : node[..on];
                nodes.Add(node.Replace(_studyPartition + "_", "", StringComparison.Ordinal).Replace(_mirrorPartition + "_", "", StringComparison.Ordinal));
            }
        }
        return string.Join(" → ", nodes) + (jit.Count > 0 ? $" ({string.Join("; ", jit)})" : "");
    }

    /// <summary>
    /// Reads the participant's rows in <paramref name="table"/> (one of this class's two constants) through the index the
    /// DELETE uses, so that the pages the DELETE will touch are in shared buffers for either side alike. Without it the
    /// mirror, written last, was in shared buffers and the study's partition partly not: the store's DELETE read
    /// 3,000–5,800 pages from the OS where the raw one read none.
    /// </summary>
    public async Task WarmAsync(string table, string participant)
    {
        await using var connection = await OpenAsync();
        await using (var noSeqScan = new NpgsqlCommand("SET enable_seqscan = off", connection))
        {
            await noSeqScan.ExecuteNonQueryAsync();
        }
        await using var command = new NpgsqlCommand(
            $"SELECT count(collected_at) FROM {table} WHERE study_id = $1 AND participant = $2", connection)
        {
            Parameters = { new() { Value = studyId }, new() { Value = participant } },
        };
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// Opens a connection for the raw deletion before the clock starts, warmed as the silo's pooled ones are: it has
    /// run the DELETE once already (for a participant who has no rows), so the tables' metadata is cached.
    /// </summary>
    public async Task<NpgsqlConnection> OpenRawAsync()
    {
        var connection = await OpenAsync();
        await RawDeleteAsync(connection, participant: "");
        return connection;
    }

    /// <summary>The baseline: one DELETE of the participant's rows from the mirror, autocommit (one implicit transaction).</summary>
    /// <returns>How long it took, from sending to the commit's answer, and how many rows it deleted.</returns>
    public async Task<(TimeSpan Elapsed, long Rows)> RawDeleteAsync(NpgsqlConnection connection, string participant)
    {
        await using var delete = new NpgsqlCommand($"DELETE FROM {MirrorTable} WHERE study_id = $1 AND participant = $2", connection)
        {
            Parameters = { new() { Value = studyId }, new() { Value = participant } },
        };
        var started = Stopwatch.GetTimestamp();
        var rows = await delete.ExecuteNonQueryAsync();
        return (Stopwatch.GetElapsedTime(started), rows);
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        return connection;
    }
}
