using Npgsql;
using Rally.Silo.Hosting;

namespace Rally.Benchmarks.Infrastructure;

/// <summary>What the membership table says at one moment: to see that failure detection evicted no healthy silo.</summary>
internal sealed record MembershipCounts(int DeclaredDead, int Dead, int Active, long Version)
{
    public static async Task<MembershipCounts> TakeAsync(string connectionString)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var declared = await MembershipDeaths.DeclaredAsync(dataSource, clusterId: null, CancellationToken.None);
        await using var command = dataSource.CreateCommand(
            "SELECT (SELECT count(*) FROM rally_membership WHERE status = 6), (SELECT count(*) FROM rally_membership WHERE status = 3), "
            + "(SELECT coalesce(sum(version), 0) FROM rally_membership_version)");
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return new MembershipCounts(declared.Count, (int)reader.GetInt64(0), (int)reader.GetInt64(1), reader.GetInt64(2));
    }

    /// <summary>One line: silos declared dead by others (a vote), rows Dead in all, and table versions, since <paramref name="before"/>.</summary>
    public string Since(MembershipCounts before) =>
        $"{DeclaredDead - before.DeclaredDead} silo(s) declared dead by another, {Dead - before.Dead} row(s) turned Dead in all, "
        + $"{Version - before.Version} membership table change(s); {Active} Active now";
}
