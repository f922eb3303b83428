using Npgsql;
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
}
