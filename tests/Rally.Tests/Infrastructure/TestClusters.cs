using Microsoft.Extensions.Configuration;
using Orleans.TestingHost;
using Rally.Silo.Hosting;

namespace Rally.Tests.Infrastructure;

/// <summary>Builds Orleans test clusters whose silos run Rally's own services (memory, or PostgreSQL given a connection string).</summary>
public static class TestClusters
{
    public static InProcessTestCluster Build(short silos, IDictionary<string, string?>? settings = null, Action<InProcessTestClusterBuilder>? configure = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings ?? new Dictionary<string, string?>()).Build();
        var builder = new InProcessTestClusterBuilder(silos);
        builder.ConfigureSilo((_, silo) => silo.AddRallyServices(configuration));
        builder.ConfigureClient(client => client.AddRallyStreams(configuration));
        configure?.Invoke(builder);
        return builder.Build();
    }
}
