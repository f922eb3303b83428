using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;
using Orleans.Streams;
using Rally.Grains.Ingestion;
using Rally.Silo.Configuration;
using Rally.Silo.Streams;

namespace Rally.Silo.Hosting;

/// <summary>
/// The study-data stream provider (<see cref="RallyStreams.Provider"/>): Orleans' ADO.NET streams on PostgreSQL
/// when <see cref="RallyStorage"/> says so (the durable queue of <c>deploy/sql/0005_streaming.sql</c>), memory streams
/// otherwise. Silos and clients must be configured alike: both map a stream to one of
/// <see cref="RallyStreamOptions.Queues"/> queues.
/// </summary>
/// <remarks>
/// Rally subscribes implicitly only (<c>[ImplicitStreamSubscription]</c>), so the provider runs with
/// <see cref="StreamPubSubType.ImplicitOnly"/>: no pub-sub grains, and so no <c>PubSubStore</c> grain storage and
/// no database write per new stream. An explicit <c>SubscribeAsync</c> on this provider throws.
/// </remarks>
public static class RallyStreamingExtensions
{
    /// <summary>The provider on a silo, which reads the queues and delivers to the subscribers; in PostgreSQL mode also the dead-letter monitor.</summary>
    public static ISiloBuilder AddRallyStreams(this ISiloBuilder silo, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(silo);
        var storage = silo.Services.AddRallyStreamOptions(configuration);
        if (!storage.IsPostgres)
        {
            silo.AddMemoryStreams(RallyStreams.Provider, streams =>
            {
                streams.UseRallyQueues();
                streams.UseRallyDelivery();
            });
            return silo;
        }

        silo.AddAdoNetStreams(RallyStreams.Provider, (SiloAdoNetStreamConfigurator streams) =>
        {
            streams.UseRallyQueues();
            streams.UseRallyDelivery();
            streams.ConfigureAdoNet(o => o.UsePostgres(storage.ConnectionString));
            streams.Configure<SimpleQueueCacheOptions>(o => o.Configure<IOptions<RallyStreamOptions>>(
                (cache, rally) => cache.CacheSize = rally.Value.CacheSize));
        });
        silo.Services.AddMetrics();
        silo.Services.TryAddSingleton(_ => NpgsqlDataSource.Create(storage.ConnectionString));
        silo.Services.AddHostedService<DeadLetterMonitor>();
        return silo;
    }

    /// <summary>The provider on an Orleans client: API fronts publish to it.</summary>
    public static IClientBuilder AddRallyStreams(this IClientBuilder client, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(client);
        var storage = client.Services.AddRallyStreamOptions(configuration);
        if (!storage.IsPostgres)
        {
            client.AddMemoryStreams(RallyStreams.Provider, streams => streams.UseRallyQueues());
            return client;
        }

        client.AddAdoNetStreams(RallyStreams.Provider, (ClusterClientAdoNetStreamConfigurator streams) =>
        {
            streams.UseRallyQueues();
            streams.ConfigureAdoNet(o => o.UsePostgres(storage.ConnectionString));
        });
        return client;
    }

    /// <summary>Silos and clients alike: <see cref="RallyStreamOptions"/>, and where the streams' queues live.</summary>
    private static RallyStorage AddRallyStreamOptions(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddRallyOptions<RallyStreamOptions>(configuration, RallyStreamOptions.Section);
        return RallyStorage.Of(services, configuration);
    }

    /// <summary>Implicit subscriptions only, and the configured number of queues.</summary>
    private static void UseRallyQueues(this IPersistentStreamConfigurator streams)
    {
        streams.ConfigureStreamPubSub(StreamPubSubType.ImplicitOnly);
        streams.Configure<HashRingStreamQueueMapperOptions>(o => o.Configure<IOptions<RallyStreamOptions>>(
            (queues, rally) => queues.TotalQueueCount = rally.Value.Queues));
    }

    /// <summary>Several queued batches per delivery to a sink, and deliveries retried through an outage (<see cref="RallyStreamOptions.MaxDeliveryTime"/>).</summary>
    private static void UseRallyDelivery(this ISiloPersistentStreamConfigurator streams) =>
        streams.ConfigurePullingAgent(o => o.Configure<IOptions<RallyStreamOptions>>((agent, rally) =>
        {
            agent.BatchContainerBatchSize = rally.Value.DeliveryBatchSize;
            agent.MaxEventDeliveryTime = rally.Value.MaxDeliveryTime;
            agent.GetQueueMsgsTimerPeriod = rally.Value.PollInterval;
        }));

    /// <summary>Rally's database and <see cref="RallyStreamOptions"/>, translated to the provider's options (timeouts become whole seconds in the queries).</summary>
    private static void UsePostgres(this OptionsBuilder<AdoNetStreamOptions> options, string connectionString) =>
        options.Configure<IOptions<RallyStreamOptions>>((o, rally) =>
        {
            o.Invariant = RallyStorage.Invariant;
            // The provider opens a pooled connection per query and sets no session state: skip the reset on return.
            o.ConnectionString = new NpgsqlConnectionStringBuilder(connectionString) { NoResetOnClose = true }.ConnectionString;
            o.MaxAttempts = rally.Value.MaxAttempts;
            o.VisibilityTimeout = rally.Value.VisibilityTimeout;
            o.ExpiryTimeout = rally.Value.ExpiryTimeout;
            o.DeadLetterEvictionTimeout = rally.Value.DeadLetterRetention;
            o.EvictionInterval = rally.Value.EvictionInterval;
            o.EvictionBatchSize = rally.Value.EvictionBatchSize;
        });
}
