using Npgsql;

namespace Rally.Silo.Hosting;

/// <summary>
/// The silos the membership table (<c>rally_membership</c>) says are dead, told apart by who wrote it: a silo that
/// stops writes <c>Dead</c> on its own row and names itself as the "killer" in <c>suspect_times</c>; a silo declared
/// dead by the others' votes names another silo there. API fronts read this to learn at once that a silo died; the
/// benchmarks count it, so that faster failure detection can be seen not to evict healthy silos.
/// </summary>
public static class MembershipDeaths
{
    /// <summary>Orleans' <c>SiloStatus.Dead</c>, as stored in <c>rally_membership.status</c>.</summary>
    public const int DeadStatus = 6;

    /// <summary>Silos (<c>address:port@generation</c>) that another silo declared dead, of one cluster or (null) of every one.</summary>
    public static async Task<IReadOnlyList<string>> DeclaredAsync(NpgsqlDataSource dataSource, string? clusterId, CancellationToken cancellationToken) =>
        [.. (await DeclaredTimesAsync(dataSource, clusterId, cancellationToken)).Keys];

    /// <summary>As <see cref="DeclaredAsync"/>, with when another silo first suspected each (UTC; <see cref="DateTime.MinValue"/> when unreadable).</summary>
    public static async Task<IReadOnlyDictionary<string, DateTime>> DeclaredTimesAsync(NpgsqlDataSource dataSource, string? clusterId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        await using var command = dataSource.CreateCommand(
            "SELECT address, port, generation, suspect_times FROM rally_membership WHERE status = $1 AND ($2::text IS NULL OR deployment_id = $2)");
        command.Parameters.Add(new NpgsqlParameter { Value = DeadStatus });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)clusterId ?? DBNull.Value, DataTypeName = "text" });
        var declared = new Dictionary<string, DateTime>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var silo = $"{reader.GetString(0)}:{reader.GetInt32(1)}@{reader.GetInt32(2)}";
            if (DeclaredAt(silo, reader.IsDBNull(3) ? null : reader.GetString(3)) is { } at)
            {
                declared[silo] = at;
            }
        }
        return declared;
    }

    /// <summary>
    /// True when <paramref name="suspectTimes"/> (Orleans' <c>silo,time|silo,time</c>, each silo as
    /// <c>address:port@generation</c>) names a silo other than <paramref name="silo"/> itself.
    /// </summary>
    public static bool DeclaredByAnother(string silo, string? suspectTimes) => DeclaredAt(silo, suspectTimes) is not null;

    /// <summary>When another silo first suspected <paramref name="silo"/> (UTC), by <paramref name="suspectTimes"/>; null when none did.</summary>
    public static DateTime? DeclaredAt(string silo, string? suspectTimes)
    {
        if (string.IsNullOrEmpty(suspectTimes))
        {
            return null;
        }
        DateTime? first = null;
        foreach (var entry in suspectTimes.Split('|'))
        {
            var parts = entry.Split(',');
            if (parts[0].Length == 0 || parts[0] == silo)
            {
                continue;
            }
            // Orleans writes "yyyy-MM-dd HH:mm:ss.fff GMT"; an unreadable time still counts as a suspicion.
            var at = parts.Length > 1 && DateTime.TryParseExact(parts[1].Replace(" GMT", "", StringComparison.Ordinal), "yyyy-MM-dd HH:mm:ss.fff",
                System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal, out var parsed)
                ? parsed
                : DateTime.MinValue;
            first = first is null || at < first ? at : first;
        }
        return first;
    }
}
