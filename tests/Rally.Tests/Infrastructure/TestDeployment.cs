using Orleans.TestingHost;

namespace Rally.Tests.Infrastructure;

/// <summary>A test cluster of Rally silos and one API front in front of it, started together and disposed together.</summary>
public sealed class TestDeployment : IAsyncDisposable
{
    private TestDeployment(InProcessTestCluster cluster, RallyApiFactory front)
    {
        Cluster = cluster;
        Front = front;
    }

    public InProcessTestCluster Cluster { get; }

    public RallyApiFactory Front { get; }

    /// <summary>Drives the front as participants, researchers and operators do.</summary>
    public RallyApi Api => new(Front);

    public static async Task<TestDeployment> StartAsync(short silos, IDictionary<string, string?>? settings = null, Action<InProcessTestClusterBuilder>? configure = null)
    {
        var cluster = await TestClusters.StartAsync(silos, settings, configure);
        return new TestDeployment(cluster, RallyApiFactory.Start(cluster));
    }

    public async ValueTask DisposeAsync()
    {
        await Front.DisposeAsync();
        await Cluster.DisposeAsync();
    }
}
