using Orleans.TestingHost;

namespace Rally.Tests.Infrastructure;

/// <summary>
/// The real API on Kestrel in front of a shared one-silo test cluster in memory (one silo: the in-memory study event
/// store lives in the silo's process space, and the API reads the same one). Tests create their own participants,
/// partners and studies, so they never depend on each other.
/// </summary>
public sealed class ApiFixture : IAsyncLifetime
{
    private TestDeployment? _deployment;

    public TestDeployment Deployment => _deployment ?? throw new InvalidOperationException("The fixture has not started.");

    public InProcessTestCluster Cluster => Deployment.Cluster;

    public RallyApiFactory Factory => Deployment.Front;

    public async Task InitializeAsync() => _deployment = await TestDeployment.StartAsync(1);

    public async Task DisposeAsync()
    {
        if (_deployment is not null)
        {
            await _deployment.DisposeAsync();
        }
    }

    /// <summary>A client with no credential, or with the given bearer token.</summary>
    public HttpClient CreateClient(string? token = null) => Factory.CreateClient(token);
}

[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<ApiFixture>
{
    public const string Name = "api";
}
