using Orleans.TestingHost;
using Rally.Tests.Infrastructure;
using Rally.Tests.Postgres;

namespace Rally.Tests.Persistence;

/// <summary>
/// The real API in front of a two-silo cluster on its own PostgreSQL database, shared by one test class's cases.
/// Started on first use, because it needs the collection's <see cref="PostgresServer"/>, which xUnit gives to
/// test classes rather than to class fixtures.
/// </summary>
public sealed class PostgresApiFixture : IAsyncLifetime
{
    private readonly Lock _lock = new();
    private Task<(InProcessTestCluster Cluster, RallyApiFactory Factory, PostgresServer Server)>? _start;

    /// <summary>The connection string of the cluster's database, once started.</summary>
    public string Database { get; private set; } = "";

    public async Task<RallyApi> ConnectAsync(PostgresServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        lock (_lock)
        {
            _start ??= StartAsync(server);
        }
        return new RallyApi((await _start).Factory);
    }

    private async Task<(InProcessTestCluster, RallyApiFactory, PostgresServer)> StartAsync(PostgresServer server)
    {
        Database = await server.CreateDatabaseAsync();
        var cluster = TestClusters.Build(2, new Dictionary<string, string?>
        {
            ["ConnectionStrings:Rally"] = Database,
            ["Rally:Pseudonyms:Key"] = TestSecrets.PseudonymKey,
            ["Rally:Deletions:RetryPeriod"] = "00:00:02",
        }, b => b.Options.ServiceId = "rally-pg-api");
        await cluster.DeployAsync();
        var factory = new RallyApiFactory(cluster, new Dictionary<string, string?> { ["Rally:OperatorKey"] = ApiFixture.OperatorKey });
        factory.StartServer();
        return (cluster, factory, server);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_start is { IsCompletedSuccessfully: true })
        {
            var (cluster, factory, server) = await _start;
            await factory.DisposeAsync();
            await cluster.DisposeAsync();
            await server.CloseConnectionsAsync(Database);
        }
    }
}
