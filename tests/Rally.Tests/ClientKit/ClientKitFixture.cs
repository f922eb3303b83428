using Orleans.TestingHost;
using Rally.Tests.Infrastructure;

namespace Rally.Tests.ClientKit;

/// <summary>
/// One in-memory silo and two fronts on Kestrel for the kit's node tests: <see cref="Front"/> with the tests' generous
/// limits, and <see cref="Limited"/>, whose uploads are limited to one at a time, refilled once a second, so that a
/// test meets <c>429</c> with a <c>Retry-After</c> of a second.
/// </summary>
public sealed class ClientKitFixture : IAsyncLifetime
{
    public InProcessTestCluster Cluster { get; } = TestClusters.Build(1);

    public RallyApiFactory Front { get; private set; } = null!;

    public RallyApiFactory Limited { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Cluster.DeployAsync();
        Front = RallyApiFactory.Start(Cluster);
        Limited = RallyApiFactory.Start(Cluster, new Dictionary<string, string?>
        {
            ["Rally:RateLimits:Uploads:PerMinute"] = "60",
            ["Rally:RateLimits:Uploads:Burst"] = "1",
        });
    }

    /// <summary>What the node tests read: the fronts' base URLs.</summary>
    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>
    {
        ["RALLY_URL"] = BaseUrl(Front),
        ["RALLY_LIMITED_URL"] = BaseUrl(Limited),
    };

    private static string BaseUrl(RallyApiFactory front) => front.CreateClient(null).BaseAddress!.ToString().TrimEnd('/');

    public async Task DisposeAsync()
    {
        await Limited.DisposeAsync();
        await Front.DisposeAsync();
        await Cluster.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class ClientKitCollection : ICollectionFixture<ClientKitFixture>
{
    public const string Name = "client kit";
}
