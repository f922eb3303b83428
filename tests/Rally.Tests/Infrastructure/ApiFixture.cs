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

    public async Task InitializeAsync() =>
        _deployment = await TestDeployment.StartAsync(1, configure: b => b.ConfigureSilo((_, silo) => silo.AddIncomingGrainCallFilter<InjectedFaults>()));

    /// <summary>Ends the deployment, then fails the collection if its tests met an error status the contract does not document.</summary>
    public async Task DisposeAsync()
    {
        if (_deployment is null)
        {
            return;
        }
        var undocumented = _deployment.Front.Problems.Undocumented();
        await _deployment.DisposeAsync();
        if (undocumented.Count > 0)
        {
            // xUnit names a collection's cleanup failure without its message: the lines go to standard error too.
            await Console.Error.WriteLineAsync(string.Join(Environment.NewLine, undocumented));
            throw new InvalidOperationException(
                "The tests met answers that docs/openapi.json does not document on their operation (add the problem with Refuses, "
                + "then accept the contract):\n" + string.Join("\n", undocumented));
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
