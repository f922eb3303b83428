using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Dashboard;
using Orleans.Serialization;
using Rally.Grains.Deletions;
using Rally.Grains.Ingestion;
using Rally.Grains.Notices;
using Rally.Grains.Partners;
using Rally.Grains.Platform;
using Rally.Grains.Privacy;
using Rally.Grains.Privacy.Noise;
using Rally.Grains.Storage;
using Rally.Grains.Studies;
using Rally.Silo.ClusterTls;
using Rally.Silo.Configuration;
using Rally.Silo.EventStore;
using Rally.Silo.Schema;

namespace Rally.Silo.Hosting;

public static class RallySiloExtensions
{
    /// <summary>A complete Rally silo: its services and storage (<see cref="AddRallyServices"/>) and its clustering (<see cref="UseRallyClustering"/>).</summary>
    public static ISiloBuilder AddRallySilo(this ISiloBuilder silo, IConfiguration configuration)
    {
        silo.AddRallyServices(configuration).UseRallyClustering(configuration);
        // The Orleans dashboard's silo side; API fronts serve its pages to operators (/dashboard/).
        silo.AddDashboard();
        if (configuration.IsTelemetryEnabled())
        {
            silo.AddActivityPropagation();
        }
        return silo;
    }

    /// <summary>
    /// Everything Rally's grains need except clustering: options, clock, grain storage and reminders —
    /// Orleans' ADO.NET providers on PostgreSQL when <see cref="RallyStorage"/> says so (the schema migrated first),
    /// in memory otherwise.
    /// </summary>
    public static ISiloBuilder AddRallyServices(this ISiloBuilder silo, IConfiguration configuration)
    {
        var storage = RallyStorage.Of(silo.Services, configuration);
        silo.Services.AddRallyOptions<PlatformOptions>(configuration, PlatformOptions.Section);
        silo.Services.AddRallyLogRedaction();
        silo.Services.TryAddSingleton(TimeProvider.System);
        silo.Services.TryAddKeyedSingleton<TimeProvider>(StudyClock.Key, (services, _) => services.GetRequiredService<TimeProvider>());
        silo.Services.AddRallySecret<PseudonymOptions>(configuration, PseudonymOptions.Section);
        silo.Services.TryAddSingleton<Pseudonyms>();
        silo.Services.TryAddSingleton<NoticeMetrics>();
        silo.Services.AddRallyOptions<InboxOptions>(configuration, InboxOptions.Section);
        silo.Services.AddRallyOptions<StudyOptions>(configuration, StudyOptions.Section);
        silo.Services.AddRallyOptions<PartnerOptions>(configuration, PartnerOptions.Section);
        silo.Services.AddRallyOptions<DeletionOptions>(configuration, DeletionOptions.Section);
        silo.Services.AddRallyPrivacy(configuration);
        // Release noise draws on the operating system's cryptographic generator; tests may register a seeded one first.
        silo.Services.TryAddSingleton<IRandomBits, CryptoRandomBits>();
        // Deletions retry by reminder; a retry period under Orleans' minimum (1 minute) lowers the minimum.
        silo.Services.AddOptions<ReminderOptions>()
            .Configure<IOptions<DeletionOptions>>((o, deletions) =>
                o.MinimumReminderPeriod = TimeSpan.FromTicks(Math.Min(o.MinimumReminderPeriod.Ticks, deletions.Value.RetryPeriod.Ticks)));
        silo.Services.TryAddSingleton<DeletionMetrics>();
        silo.Services.AddRallySinks(configuration);
        silo.Services.AddHostedService<BlockedPseudonymPruner>();
        silo.AddRallyStreams(configuration);

        // Plain JSON with stable, camelCase names: stored state survives renames of CLR types.
        silo.UseSystemTextJsonGrainStorageSerializer();
        silo.Services.Configure<SystemTextJsonGrainStorageSerializerOptions>(o =>
            o.JsonSerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.CamelCase);

        if (!storage.IsPostgres)
        {
            silo.AddMemoryGrainStorage(StorageNames.Rally);
            silo.UseInMemoryReminderService();
            return silo;
        }

        silo.AddRallySchemaMigration(storage.ConnectionString);
        silo.AddAdoNetGrainStorage(StorageNames.Rally, o =>
        {
            o.Invariant = RallyStorage.Invariant;
            o.ConnectionString = storage.ConnectionString;
        });
        silo.UseAdoNetReminderService(o =>
        {
            o.Invariant = RallyStorage.Invariant;
            o.ConnectionString = storage.ConnectionString;
        });
        return silo;
    }

    /// <summary>
    /// Membership in PostgreSQL when <see cref="RallyStorage"/> says so; a single localhost silo otherwise. Mutual TLS on
    /// the silo and gateway ports when <c>Rally:Cluster:Tls</c> names a certificate (<see cref="ClusterTlsExtensions.UseRallyTls(ISiloBuilder, IConfiguration)"/>).
    /// </summary>
    public static ISiloBuilder UseRallyClustering(this ISiloBuilder silo, IConfiguration configuration)
    {
        var cluster = configuration.GetRallyOptions<RallyClusterOptions>(RallyClusterOptions.Section);
        var storage = RallyStorage.Of(silo.Services, configuration);
        silo.UseRallyTls(configuration);
        if (!storage.IsPostgres)
        {
            return silo.UseLocalhostClustering(cluster.SiloPort, cluster.GatewayPort);
        }

        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = cluster.ClusterId;
            o.ServiceId = cluster.ServiceId;
        });
        silo.ConfigureEndpoints(IPAddress.Parse(cluster.AdvertisedIPAddress), cluster.SiloPort, cluster.GatewayPort, listenOnAnyHostAddress: true);
        silo.UseAdoNetClustering(o =>
        {
            o.Invariant = RallyStorage.Invariant;
            o.ConnectionString = storage.ConnectionString;
        });
        silo.Services.AddOptions<ClusterMembershipOptions>()
            .Configure(TuneFailureDetection)
            .Bind(configuration.GetSection(MembershipSection));
        return silo;
    }

    /// <summary>Where any <see cref="ClusterMembershipOptions"/> property can be overridden (e.g. <c>Rally__Membership__ProbeTimeout=00:00:05</c>).</summary>
    public const string MembershipSection = "Rally:Membership";

    /// <summary>
    /// Rally's defaults: a dead silo is declared in ≈2–3 s rather than ≈5 s, a hung one in ≈11 s rather than ≈64 s
    /// (measured here with 2 silos on PostgreSQL membership). One vote suffices, so a two-silo cluster can evict
    /// a dead peer; a silo wrongly declared dead stops and restarts, and nothing acknowledged is lost with it
    /// (queued uploads, stored state and reminders all live in PostgreSQL).
    /// </summary>
    private static void TuneFailureDetection(ClusterMembershipOptions o)
    {
        o.ProbeTimeout = TimeSpan.FromSeconds(2);
        o.MinProbeTimeout = TimeSpan.FromSeconds(1);
        o.MaxProbeTimeout = TimeSpan.FromSeconds(4);
        o.NumMissedProbesLimit = 2;
        o.NumVotesForDeathDeclaration = 1;
        o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(10);
        o.TableRefreshTimeout = TimeSpan.FromSeconds(5);
    }
}
