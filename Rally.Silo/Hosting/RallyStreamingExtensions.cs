using Microsoft.Extensions.Configuration;
using Rally.Grains.Ingestion;

namespace Rally.Silo.Hosting;

public static class RallyStreamingExtensions
{
    /// <summary>The study-data stream provider on a silo (memory streams until the PostgreSQL provider is wired).</summary>
    public static ISiloBuilder AddRallyStreams(this ISiloBuilder silo, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        silo.AddMemoryStreams(RallyStreams.Provider);
        silo.AddMemoryGrainStorage("PubSubStore");
        return silo;
    }

    /// <summary>The same provider on an Orleans client (API fronts publish to it).</summary>
    public static IClientBuilder AddRallyStreams(this IClientBuilder client, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        client.AddMemoryStreams(RallyStreams.Provider);
        return client;
    }
}
