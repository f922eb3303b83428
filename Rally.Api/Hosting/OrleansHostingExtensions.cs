using Orleans.Configuration;
using Orleans.Dashboard;
using Rally.Silo.ClusterTls;
using Rally.Silo.Configuration;
using Rally.Silo.EventStore;
using Rally.Silo.Hosting;

namespace Rally.Api.Hosting;

public static class OrleansHostingExtensions
{
    /// <summary>
    /// The mode configured (<see cref="OrleansOptions.Mode"/>), or the default for this process's storage: decided once,
    /// by the first caller, and registered as a service (<see cref="OrleansMode"/>) for the parts that run later.
    /// </summary>
    public static OrleansMode GetOrleansMode(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Services.DecideOnce(() => builder.Configuration.GetRallyOptions<OrleansOptions>(OrleansOptions.Section)
            .ModeFor(RallyStorage.Of(builder.Services, builder.Configuration)));
    }

    /// <summary>Connects the API to the grains as <see cref="GetOrleansMode"/> says.</summary>
    public static WebApplicationBuilder AddRallyOrleans(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var storage = RallyStorage.Of(builder.Services, configuration);
        switch (builder.GetOrleansMode())
        {
            case OrleansMode.Embedded:
                builder.UseOrleans(silo => silo.AddRallySilo(configuration));
                break;
            case OrleansMode.Client when !storage.IsPostgres:
                throw new RallyConfigurationException(ConfigurationErrors.Line(RallyStorage.ConnectionStringKey, missing: true,
                    $"{OrleansOptions.Section}:Mode=Client finds the Rally.Silo processes through PostgreSQL and needs its Npgsql connection string"));
            case OrleansMode.Client:
                var options = configuration.GetRallyOptions<OrleansOptions>(OrleansOptions.Section);
                var cluster = configuration.GetRallyOptions<RallyClusterOptions>(RallyClusterOptions.Section);
                // Registered before the client, so it has run when the client starts (hosted services start in order).
                builder.Services.AddRallyEventStore(configuration);
                builder.Services.AddRallyOptions<OrleansOptions>(configuration, OrleansOptions.Section);
                // Learns at once that a silo was lost, for the retry filter (an Orleans client does not fail calls lost with a silo).
                builder.Services.AddSingleton<SiloLossWatcher>();
                builder.Services.AddSingleton<ISiloLossSignal>(services => services.GetRequiredService<SiloLossWatcher>());
                builder.Services.AddSingleton<IClusterConnectionStatusObserver>(services => services.GetRequiredService<SiloLossWatcher>());
                builder.Services.AddHostedService(services => services.GetRequiredService<SiloLossWatcher>());
                builder.Services.AddHostedService(services =>
                    new SchemaMigrationService(storage.ConnectionString, services.GetRequiredService<ILogger<SchemaMigrationService>>()));
                builder.UseOrleansClient(client =>
                {
                    client.Configure<ClusterOptions>(o =>
                    {
                        o.ClusterId = cluster.ClusterId;
                        o.ServiceId = cluster.ServiceId;
                    });
                    client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = options.ResponseTimeout);
                    client.AddOutgoingGrainCallFilter<TransientRetryFilter>();
                    client.AddRallyStreams(configuration);
                    client.AddDashboard();
                    if (configuration.IsTelemetryEnabled())
                    {
                        client.AddActivityPropagation();
                    }
                    client.UseAdoNetClustering(o =>
                    {
                        o.Invariant = RallyStorage.Invariant;
                        o.ConnectionString = storage.ConnectionString;
                    });
                    // Silos with TLS on refuse a front without a certificate from the cluster's authority.
                    client.UseRallyTls(configuration);
                    // Silos may start after the front: keep trying rather than fail the process.
                    client.UseConnectionRetryFilter(async (_, cancellationToken) =>
                    {
                        await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
                        return true;
                    });
                });
                break;
            case OrleansMode.External:
                break;
        }
        return builder;
    }
}
