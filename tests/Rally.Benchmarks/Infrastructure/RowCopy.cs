using System.Diagnostics;
using System.Runtime.CompilerServices;
using Npgsql;
using NpgsqlTypes;
using Rally.Grains.Ingestion;

namespace Rally.Benchmarks.Infrastructure;

/// <summary>One event as <c>rally_study_events</c> stores it: read back from a study, or made up to be written.</summary>
internal sealed record StoredRow(string StudyId, Guid Id, string Participant, string Type, DateTime CollectedAt, DateTime ReceivedAt, bool PrivateWindow, string Payload)
{
    private static readonly ConditionalWeakTable<string, byte[]> Packed = [];

    /// <summary>The payload as the store keeps it (<see cref="JweBytes"/>); rows sharing a payload string share the bytes.</summary>
    public byte[] Jwe => Packed.GetValue(Payload, JweBytes.Pack);
}

/// <summary>Writes rows into <c>rally_study_events</c> or a table like it with binary COPY, the fastest way PostgreSQL takes rows.</summary>
internal static class RowCopy
{
    /// <summary>
    /// Binary COPY of the rows into <paramref name="table"/> (a constant of the caller's, not input),
    /// <paramref name="rowsPerCopy"/> to a COPY (each its own transaction), on <paramref name="writers"/> connections.
    /// </summary>
    /// <returns>The time the COPYs took, connections opened and closed outside it.</returns>
    public static async Task<TimeSpan> CopyAsync(string connectionString, string table, IReadOnlyList<StoredRow> rows, int rowsPerCopy, int writers)
    {
        var command = $"COPY {table} (study_id, id, participant, type, collected_at, received_at, private_window, jwe) FROM STDIN (FORMAT BINARY)";
        var chunks = rows.Chunk(rowsPerCopy).ToArray();
        foreach (var row in rows)
        {
            _ = row.Jwe; // packed before the clock starts
        }
        var connections = await OpenAsync(connectionString, writers);
        var next = -1;
        var started = Stopwatch.GetTimestamp();
        // Npgsql's synchronous COPY writer, one thread per connection: the fastest way it offers to write rows.
        await Task.WhenAll(connections.Select(connection => Task.Run(() =>
        {
            for (var c = Interlocked.Increment(ref next); c < chunks.Length; c = Interlocked.Increment(ref next))
            {
                using var import = connection.BeginBinaryImport(command);
                foreach (var row in chunks[c])
                {
                    import.StartRow();
                    import.Write(row.StudyId, NpgsqlDbType.Text);
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
        })));
        var elapsed = Stopwatch.GetElapsedTime(started);
        await CloseAsync(connections);
        return elapsed;
    }

    public static async Task<NpgsqlConnection[]> OpenAsync(string connectionString, int count)
    {
        var connections = new NpgsqlConnection[count];
        for (var i = 0; i < count; i++)
        {
            connections[i] = new NpgsqlConnection(connectionString);
            await connections[i].OpenAsync();
        }
        return connections;
    }

    public static async Task CloseAsync(IEnumerable<NpgsqlConnection> connections)
    {
        foreach (var connection in connections)
        {
            await connection.DisposeAsync();
        }
    }
}
