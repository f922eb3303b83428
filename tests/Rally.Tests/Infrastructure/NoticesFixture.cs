using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;
using Rally.Grains.Studies;

namespace Rally.Tests.Infrastructure;

/// <summary>
/// One in-memory silo whose studies run on a fake clock, and two API fronts (each on Kestrel, each registering its own
/// notice observer) as clients of it. Tests make their own participants and studies.
/// </summary>
public sealed class NoticesFixture : IAsyncLifetime
{
    /// <summary>The studies' clock: tests advance it to make announced ends come.</summary>
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    public InProcessTestCluster Cluster { get; }

    /// <summary>Holds the inboxes' writes while armed (unarmed, it lets every call through).</summary>
    public InboxDoor Inboxes { get; } = new();

    public RallyApiFactory FrontA { get; private set; } = null!;

    public RallyApiFactory FrontB { get; private set; } = null!;

    public NoticesFixture()
    {
        Cluster = TestClusters.Build(1, configure: builder => builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.AddKeyedSingleton<TimeProvider>(StudyClock.Key, Clock);
            silo.Services.AddSingleton<IOutgoingGrainCallFilter>(Inboxes);
        }));
    }

    public async Task InitializeAsync()
    {
        await Cluster.DeployAsync();
        FrontA = StartFront();
        FrontB = StartFront();
    }

    /// <summary>Another front on the same cluster; the caller disposes it.</summary>
    public RallyApiFactory StartFront() => RallyApiFactory.Start(Cluster);

    public async Task DisposeAsync()
    {
        await FrontA.DisposeAsync();
        await FrontB.DisposeAsync();
        await Cluster.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class NoticesCollection : ICollectionFixture<NoticesFixture>
{
    public const string Name = "notices";
}
