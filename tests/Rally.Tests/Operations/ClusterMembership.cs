using Npgsql;
using Rally.Silo.Hosting;
using Rally.Tests.Infrastructure;

namespace Rally.Tests.Operations;

/// <summary>What the membership table says about the cluster kept in a database.</summary>
internal static class ClusterMembership
{
    /// <summary>Silos whose row says Active (status 3); zero before the schema exists.</summary>
    public static async Task<long> ActiveSilosAsync(string database)
    {
        try
        {
            return await TestDatabase.ScalarAsync<long>(database, "SELECT count(*) FROM rally_membership WHERE status = 3");
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return 0; // not migrated yet
        }
    }

    /// <summary>Silos another silo declared dead (not those that stopped and wrote their own row), as <c>address:port@generation</c>.</summary>
    public static async Task<IReadOnlyList<string>> DeclaredDeadAsync(string database)
    {
        await using var dataSource = NpgsqlDataSource.Create(database);
        return await MembershipDeaths.DeclaredAsync(dataSource, clusterId: null, CancellationToken.None);
    }

    /// <summary>Every row of the membership table, a line each (silo, status, last alive, who suspected it when), for a failed run's report.</summary>
    public static Task<IReadOnlyList<string>> DescribeAsync(string database) =>
        TestDatabase.ColumnAsync<string>(database,
            "SELECT address || ':' || port || '@' || generation || ' status ' || status || ' alive ' || coalesce(i_am_alive_time::text, '-') "
            + "|| ' suspected ' || coalesce(suspect_times, '-') FROM rally_membership ORDER BY generation, port");
}
