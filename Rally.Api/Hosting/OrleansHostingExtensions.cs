using Orleans.Dashboard;
using Orleans.Configuration;
using Rally.Silo.Hosting;

namespace Rally.Api.Hosting;

public static class OrleansHostingExtensions
{
    public const string ModeKey = "Rally:Orleans:Mode";

    /// <summary>How long an API front waits for a grain's answer (Client mode). Default 10 seconds.</summary>
    public const string ResponseTimeoutKey = "Rally:Orleans:ResponseTimeout";

    /// <summary>The mode configured, or the default: a client when a connection string is set, embedded otherwise.</summary>
    public static OrleansMode GetOrleansMode(this IConfiguration configuration) =>
        configuration.GetValue<OrleansMode?>(ModeKey)
        ?? (RallyDatabase.GetConnectionString(configuration) is null ? OrleansMode.Embedded : OrleansMode.Client);

    /// <summary>Connects the API to the grains as <see cref="GetOrleansMode"/> says.</summary>
    public static WebApplicationBuilder AddRallyOrleans(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        switch (configuration.GetOrleansMode())
        {
            case OrleansMode.Embedded:
                builder.UseOrleans(silo => silo.AddRallySilo(configuration));
                break;
            case OrleansMode.Client:
                var connectionString = RallyDatabase.GetConnectionString(configuration)
                    ?? throw new InvalidOperationException($"{ModeKey}=Client needs ConnectionStrings:{RallyDatabase.ConnectionStringName}.");
                var cluster = configuration.GetSection(RallyClusterOptions.Section).Get<RallyClusterOptions>() ?? new RallyClusterOptions();
                // Registered before the client, so it has run when the client starts (hosted services start in order).
                builder.Services.AddRallyEventStore(configuration);
                builder.Services.AddHostedService(services =>
                    new SchemaMigrationService(connectionString, services.GetRequiredService<ILogger<SchemaMigrationService>>()));
                builder.UseOrleansClient(client =>
                {
                    client.Configure<ClusterOptions>(o =>
                    {
                        o.ClusterId = cluster.ClusterId;
                        o.ServiceId = cluster.ServiceId;
                    });
                    // A call in flight to a silo that dies is never answered: fail it after this long (default 10 s,
                    // Orleans' own is 30 s) so the caller gets a 503 and retries soon. Rally's grain calls take milliseconds.
                    client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout =
                        configuration.GetValue<TimeSpan?>(ResponseTimeoutKey) ?? TimeSpan.FromSeconds(10));
                    client.AddOutgoingGrainCallFilter<TransientRetryFilter>();
                    client.AddRallyStreams(configuration);
                    client.AddDashboard();
                    if (configuration.IsTelemetryEnabled())
                    {
                        client.AddActivityPropagation();
                    }
                    client.UseAdoNetClustering(o =>
                    {
                        o.Invariant = RallyDatabase.Invariant;
                        o.ConnectionString = connectionString;
                    });
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
