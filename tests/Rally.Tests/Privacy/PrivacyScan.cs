using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace Rally.Tests.Privacy;

/// <summary>One thing the scan found: where, and which needle.</summary>
public sealed record Finding(string Where, string Column, string Needle, IReadOnlyDictionary<string, object?> Row)
{
    public override string ToString() => $"{Where}.{Column} holds {Needle}";
}

/// <summary>
/// Looks for one participant everywhere a database and the logs could hold it: every column of every table (read as
/// text, as bytes and as UTF-8 in bytes, as integers and as uuids), and every captured log entry. The needles: the
/// participant id as text (with and without hyphens, any case) and hex, its 16 bytes in both byte orders, the two
/// 64-bit halves Orleans keys Guid grains by; the token and its SHA-256 (bytes, hex, base64); its pseudonyms; its
/// profile's answers.
/// </summary>
public sealed class PrivacyScan
{
    private readonly List<(string Name, string Text)> _texts = [];
    private readonly List<(string Name, byte[] Bytes)> _bytes = [];
    private readonly List<(string Name, long Value)> _integers = [];
    private readonly Guid _id;

    public PrivacyScan(Guid participantId, string token, IEnumerable<string> pseudonyms, IEnumerable<string> profileValues)
    {
        ArgumentNullException.ThrowIfNull(token);
        _id = participantId;
        var little = participantId.ToByteArray();
        var big = participantId.ToByteArray(bigEndian: true);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(token));
        _texts.Add(("id", participantId.ToString("D")));
        _texts.Add(("id (no hyphens)", participantId.ToString("N")));
        _texts.Add(("id bytes as hex", Convert.ToHexString(little)));
        _texts.Add(("id bytes (big-endian) as hex", Convert.ToHexString(big)));
        _texts.Add(("id bytes as base64", Convert.ToBase64String(little)));
        _texts.Add(("id bytes (big-endian) as base64", Convert.ToBase64String(big)));
        _texts.Add(("token", token));
        _texts.Add(("token SHA-256 as hex", Convert.ToHexString(hash)));
        _texts.Add(("token SHA-256 as base64", Convert.ToBase64String(hash)));
        _texts.Add(("token SHA-256 as base64url", Convert.ToBase64String(hash).TrimEnd('=').Replace('+', '-').Replace('/', '_')));
        _texts.AddRange(pseudonyms.Select(p => ($"pseudonym {p}", p)));
        _texts.AddRange(profileValues.Select(v => ($"profile value {v}", v)));
        _bytes.Add(("id bytes", little));
        _bytes.Add(("id bytes (big-endian)", big));
        _bytes.Add(("token SHA-256", hash));
        foreach (var (order, bytes) in new[] { ("", little), (" (big-endian)", big) })
        {
            _integers.Add(($"id's first 64 bits{order}", BitConverter.ToInt64(bytes, 0)));
            _integers.Add(($"id's last 64 bits{order}", BitConverter.ToInt64(bytes, 8)));
        }
    }

    /// <summary>What is searched for, one line each (the test prints it).</summary>
    public IEnumerable<string> Needles =>
        _texts.Select(t => $"text  {t.Name}: {t.Text}")
            .Concat(_bytes.Select(b => $"bytes {b.Name}: {Convert.ToHexString(b.Bytes)}"))
            .Concat(_integers.Select(i => $"int   {i.Name}: {i.Value}"));

    /// <summary>Every table of the database's public schema (leaf tables: a partitioned table is read through its partitions).</summary>
    public async Task<(IReadOnlyList<Finding> Findings, IReadOnlyList<string> Tables)> ScanDatabaseAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'r' ORDER BY 1", connection))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }
        var findings = new List<Finding>();
        var rows = new List<string>();
        foreach (var table in tables)
        {
            await using var select = new NpgsqlCommand($"SELECT * FROM \"{table}\"", connection);
            await using var reader = await select.ExecuteReaderAsync();
            var count = 0;
            while (await reader.ReadAsync())
            {
                count++;
                var row = Enumerable.Range(0, reader.FieldCount).ToDictionary(reader.GetName, i => reader.IsDBNull(i) ? null : reader.GetValue(i));
                foreach (var (column, value) in row)
                {
                    findings.AddRange(Match(value).Select(needle => new Finding(table, column, needle, row)));
                }
            }
            rows.Add($"{table} ({count} rows)");
        }
        return (findings, rows);
    }

    public IReadOnlyList<Finding> ScanLogs(IEnumerable<string> entries) =>
        [.. entries.SelectMany(e => Match(e).Select(needle => new Finding("log", e.Length > 300 ? e[..300] : e, needle, new Dictionary<string, object?>())))];

    private IEnumerable<string> Match(object? value) => value switch
    {
        null => [],
        string text => MatchText(text),
        byte[] bytes => _bytes.Where(b => bytes.AsSpan().IndexOf(b.Bytes) >= 0).Select(b => b.Name).Concat(MatchText(Encoding.UTF8.GetString(bytes))),
        long n => _integers.Where(i => i.Value == n).Select(i => i.Name),
        int n => _integers.Where(i => i.Value == n).Select(i => i.Name),
        Guid g => g == _id ? ["id (uuid)"] : [],
        DateTime or DateTimeOffset or bool or short or decimal or double or TimeSpan => [],
        _ => MatchText(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? ""),
    };

    private IEnumerable<string> MatchText(string text) =>
        _texts.Where(t => text.Contains(t.Text, StringComparison.OrdinalIgnoreCase)).Select(t => t.Name);
}
