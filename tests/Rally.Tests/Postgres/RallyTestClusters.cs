using Microsoft.Extensions.Configuration;
using Orleans.TestingHost;
using Rally.Silo.Hosting;

namespace Rally.Tests.Postgres;

/// <summary>In-process Orleans clusters whose silos run Rally's real services on a PostgreSQL database.</summary>
internal static class RallyTestClusters
{
    /// <summary>Starts a one-silo cluster. Clusters given the same <paramref name="serviceId"/> read and write the same grain state.</summary>
    public static async Task<InProcessTestCluster> StartAsync(string connectionString, string serviceId)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                [$"ConnectionStrings:{RallyDatabase.ConnectionStringName}"] = connectionString,
                ["Rally:Pseudonyms:Key"] = Infrastructure.TestSecrets.PseudonymKey,
            })
            .Build();
        var builder = new InProcessTestClusterBuilder(1);
        builder.Options.ServiceId = serviceId;
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((_, silo) => silo.AddRallyServices(configuration));
        builder.ConfigureClient(client => client.AddRallyStreams(configuration));
        var cluster = builder.Build();
        try
        {
            await cluster.DeployAsync();
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }
}
