using Microsoft.Extensions.Configuration;
using Orleans.TestingHost;
using Rally.Silo.Hosting;

namespace Rally.Tests.Infrastructure;

/// <summary>Orleans test clusters whose silos run Rally's own services: in memory, or on PostgreSQL given its settings (<see cref="OnPostgres"/>).</summary>
public static class TestClusters
{
    /// <summary>The settings of silos that keep their data in <paramref name="connectionString"/>'s database, with <paramref name="more"/>.</summary>
    public static Dictionary<string, string?> OnPostgres(string connectionString, IDictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?>
        {
            [RallyStorage.ConnectionStringKey] = connectionString,
            ["Rally:Pseudonyms:Key"] = TestSecrets.PseudonymKey,
        };
        foreach (var (key, value) in more ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }
        return settings;
    }

    /// <summary>A cluster of <paramref name="silos"/>, not started. Clusters given the same service id read and write the same grain state.</summary>
    public static InProcessTestCluster Build(short silos, IDictionary<string, string?>? settings = null, Action<InProcessTestClusterBuilder>? configure = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings ?? new Dictionary<string, string?>()).Build();
        var builder = new InProcessTestClusterBuilder(silos);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((_, silo) => silo.AddRallyServices(configuration));
        builder.ConfigureClient(client => client.AddRallyStreams(configuration));
        configure?.Invoke(builder);
        return builder.Build();
    }

    /// <summary>A cluster of <paramref name="silos"/>, started.</summary>
    public static async Task<InProcessTestCluster> StartAsync(short silos, IDictionary<string, string?>? settings = null, Action<InProcessTestClusterBuilder>? configure = null)
    {
        var cluster = Build(silos, settings, configure);
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

    /// <summary>A one-silo cluster on PostgreSQL under <paramref name="serviceId"/>.</summary>
    public static Task<InProcessTestCluster> StartOnPostgresAsync(string connectionString, string serviceId) =>
        StartAsync(1, OnPostgres(connectionString), b => b.Options.ServiceId = serviceId);
}
