namespace Rally.Tests.Infrastructure;

/// <summary>
/// The real API in front of a two-silo cluster on its own PostgreSQL database, shared by one test class's cases.
/// Started on first use, because it needs the collection's <see cref="PostgresServer"/>, which xUnit gives to
/// test classes rather than to class fixtures.
/// </summary>
public sealed class PostgresApiFixture : IAsyncLifetime
{
    private readonly Lock _lock = new();
    private Task<(TestDeployment Deployment, PostgresServer Server)>? _start;

    /// <summary>The connection string of the cluster's database, once started.</summary>
    public string Database { get; private set; } = "";

    public async Task<RallyApi> ConnectAsync(PostgresServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        lock (_lock)
        {
            _start ??= StartAsync(server);
        }
        return (await _start).Deployment.Api;
    }

    private async Task<(TestDeployment, PostgresServer)> StartAsync(PostgresServer server)
    {
        Database = await server.CreateDatabaseAsync();
        var deployment = await TestDeployment.StartAsync(2,
            TestClusters.OnPostgres(Database, new Dictionary<string, string?> { ["Rally:Deletions:RetryPeriod"] = "00:00:02" }),
            b => b.Options.ServiceId = "rally-pg-api");
        return (deployment, server);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_start is { IsCompletedSuccessfully: true })
        {
            var (deployment, server) = await _start;
            await deployment.DisposeAsync();
            await server.CloseConnectionsAsync(Database);
        }
    }
}
