using System.Net;
using Orleans.TestingHost;
using Rally.Tests.Infrastructure;

namespace Rally.Tests.Postgres;

/// <summary>In PostgreSQL mode the API is ready only while the database answers.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ReadinessTests(PostgresServer postgres)
{
    private static async Task<HttpStatusCode> ReadinessWithDatabaseAsync(InProcessTestCluster cluster, string connectionString)
    {
        await using var api = RallyApiFactory.Start(cluster, new Dictionary<string, string?> { ["ConnectionStrings:Rally"] = connectionString });
        using var http = api.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/live")).StatusCode);
        return (await http.GetAsync("/health/ready")).StatusCode;
    }

    [Fact]
    public async Task Ready_only_while_the_database_answers()
    {
        var database = await postgres.CreateDatabaseAsync();
        await using var cluster = await TestClusters.StartOnPostgresAsync(database, "rally-readiness");
        var unreachable = $"Host=127.0.0.1;Port={FreePort.Next()};Username=postgres;Database=none;Timeout=2";

        Assert.Equal(HttpStatusCode.OK, await ReadinessWithDatabaseAsync(cluster, database));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, await ReadinessWithDatabaseAsync(cluster, unreachable));
    }
}
