using System.Diagnostics;
using Npgsql;

namespace Rally.Benchmarks.Infrastructure;

/// <summary>CPU seconds of each process of the run, the machine's, and PostgreSQL's WAL position, at one moment.</summary>
internal sealed record ResourceSnapshot(long At, double Client, double Api, double[] Silos, double Postgres, double MachineBusy, double MachineTotal, long WalBytes)
{
    public ResourceUse To(ResourceSnapshot end) => new(
        Stopwatch.GetElapsedTime(At, end.At),
        end.Client - Client,
        end.Api - Api,
        [.. end.Silos.Zip(Silos, (b, a) => b - a)],
        end.Postgres - Postgres,
        end.MachineBusy - MachineBusy,
        end.MachineTotal - MachineTotal,
        end.WalBytes - WalBytes);
}

/// <summary>What a phase of the run used: wall time, CPU seconds by process, WAL bytes written.</summary>
internal sealed record ResourceUse(TimeSpan Wall, double Client, double Api, double[] Silos, double Postgres, double MachineBusy, double MachineTotal, long WalBytes)
{
    /// <summary>CPU seconds the machine spent on anything else (other people's builds, the kernel's own threads).</summary>
    public double Other => Math.Max(0, MachineBusy - Client - Api - Silos.Sum() - Postgres);
}

/// <summary>One statement's share of a phase, from <c>pg_stat_statements</c>; pages found in shared buffers (hit) or read from the OS.</summary>
internal sealed record StatementUse(string Query, long Calls, long Rows, double TotalMs, long WalBytes, long WalFpi, long BlocksHit = 0, long BlocksRead = 0);

/// <summary>A table's row traffic and size, from <c>pg_stat_user_tables</c> (counters lag by up to a few seconds).</summary>
internal sealed record TableUse(string Table, long Inserted, long Updated, long Deleted, long Live, long Dead, long TotalBytes);

/// <summary>Takes the measurements that say where a phase's time went.</summary>
internal sealed class Probes(string connectionString, int postmasterPid, int apiPid, IReadOnlyList<int> siloPids)
{
    /// <summary>Time for closed connections' backends to exit and be reaped, so that their CPU time is counted.</summary>
    public static readonly TimeSpan SettleTime = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Runs one phase after a checkpoint (so that it does not pay for the previous one's) with fresh statement
    /// statistics, and measures what it used.
    /// </summary>
    /// <param name="run">The phase; it returns the time it measured itself.</param>
    /// <param name="statements">How many of the phase's most expensive statements to keep.</param>
    public async Task<PhaseResult> MeasureAsync(string name, long events, Func<Task<TimeSpan>> run, int statements)
    {
        await CheckpointAsync();
        await ResetStatementsAsync();
        var before = await TakeAsync();
        var elapsed = await run();
        await Task.Delay(SettleTime);
        var after = await TakeAsync();
        return new PhaseResult(name, events, elapsed, before.To(after), await StatementsAsync(statements));
    }

    public async Task<ResourceSnapshot> TakeAsync()
    {
        var wal = await ScalarAsync<long>("SELECT (pg_current_wal_lsn() - '0/0'::pg_lsn)::bigint");
        var (busy, total) = ProcFs.MachineCpuSeconds();
        return new ResourceSnapshot(
            Stopwatch.GetTimestamp(),
            ProcFs.CpuSeconds(Environment.ProcessId).Own,
            ProcFs.CpuSeconds(apiPid).Own,
            [.. siloPids.Select(pid => ProcFs.CpuSeconds(pid).Own)],
            ProcFs.TreeCpuSeconds(postmasterPid),
            busy,
            total,
            wal);
    }

    /// <summary>Forgets the statement statistics, so that the next <see cref="StatementsAsync"/> covers one phase.</summary>
    public Task ResetStatementsAsync() => ScalarAsync<object>("SELECT pg_stat_statements_reset()");

    /// <summary>The statements that took most of PostgreSQL's time since the last reset, in every database.</summary>
    public async Task<IReadOnlyList<StatementUse>> StatementsAsync(int top)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT regexp_replace(query, '\s+', ' ', 'g'), calls, rows, total_exec_time, wal_bytes::bigint, wal_fpi, shared_blks_hit, shared_blks_read
            FROM pg_stat_statements
            WHERE query NOT LIKE '%pg_stat_statements%'
            ORDER BY total_exec_time DESC
            LIMIT $1
            """, connection) { Parameters = { new() { Value = top } } };
        await using var reader = await command.ExecuteReaderAsync();
        var statements = new List<StatementUse>();
        while (await reader.ReadAsync())
        {
            statements.Add(new StatementUse(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetDouble(3), reader.GetInt64(4), reader.GetInt64(5),
                reader.GetInt64(6), reader.GetInt64(7)));
        }
        return statements;
    }

    /// <summary>Tables that saw any write, with their sizes (indexes and TOAST included).</summary>
    public async Task<IReadOnlyList<TableUse>> TablesAsync()
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT relname::text, n_tup_ins, n_tup_upd, n_tup_del, n_live_tup, n_dead_tup, pg_total_relation_size(relid)
            FROM pg_stat_user_tables
            WHERE n_tup_ins + n_tup_upd + n_tup_del > 0
            ORDER BY pg_total_relation_size(relid) DESC
            """, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var tables = new List<TableUse>();
        while (await reader.ReadAsync())
        {
            tables.Add(new TableUse(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5), reader.GetInt64(6)));
        }
        return tables;
    }

    /// <summary>Writes dirty pages out now, so that a phase does not pay for the previous one's checkpoint.</summary>
    public Task CheckpointAsync() => ScalarAsync<object>("CHECKPOINT");

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync();
        return value is T typed ? typed : default!;
    }
}
