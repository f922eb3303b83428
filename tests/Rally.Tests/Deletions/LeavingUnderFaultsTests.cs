using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.TestingHost;
using Rally.Grains.Deletions;
using Rally.Grains.Ingestion;
using Rally.Grains.Participants;
using Rally.Grains.Refusals;
using Rally.Silo.EventStore;
using Rally.Tests.Infrastructure;

namespace Rally.Tests.Deletions;

/// <summary>
/// Leaving Rally is carried out whatever fails once the tombstone is written: each case holds every study's ledger
/// at the door (a fault hook: the tombstone has committed, no ledger has recorded its request), breaks something,
/// lets go, and checks that every study's events of the participant go within the retry period while the
/// participant stays a tombstone, its reminder gone once nothing is left to do.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class LeavingUnderFaultsTests(PostgresServer postgres)
{
    [Fact]
    public async Task Leaving_Rally_is_carried_out_after_a_database_outage_that_cut_off_every_ledger()
    {
        await using var world = await World.StartAsync(postgres);
        world.Hook.Arm();
        var leaving = world.Leaver.Client.DeleteAsync("/v1/me");
        await world.Hook.WhenHeldAsync(2);

        var name = new NpgsqlConnectionStringBuilder(world.Database).Database!;
        await TestDatabase.ExecuteAsync(postgres.AdminConnectionString, $"ALTER DATABASE \"{name}\" ALLOW_CONNECTIONS false");
        await TestDatabase.ExecuteAsync(postgres.AdminConnectionString, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = @name", ("name", name));
        try
        {
            world.Hook.Release();
            // The tombstone was written: the answer says so, and that neither study has the request yet.
            var left = await (await leaving).ShouldBeAsync(HttpStatusCode.Accepted);
            Assert.Equal("left", (string?)left["status"]);
            Assert.All(left["studies"]!.AsArray(), s => Assert.Equal("pending", (string?)s!["dataDeletion"]));
        }
        finally
        {
            await TestDatabase.ExecuteAsync(postgres.AdminConnectionString, $"ALTER DATABASE \"{name}\" ALLOW_CONNECTIONS true");
        }

        await world.WhenCarriedOutAsync();
    }

    [Fact]
    public async Task Leaving_Rally_is_carried_out_when_the_silo_hosting_a_studys_ledger_dies_before_it_records_the_request()
    {
        await using var world = await World.StartAsync(postgres);
        // The participant's silo survives; the other study's deletion ledger goes to the silo that dies (ledgers are
        // first activated here, so the placement hint decides where).
        var host = await world.HostOfAsync(world.Cluster.Client.GetGrain<IParticipantGrain>(world.Leaver.Id));
        var survivor = world.Cluster.Silos.Single(s => s.SiloAddress.Equals(host));
        var dying = world.Cluster.Silos.Single(s => !s.SiloAddress.Equals(host));
        foreach (var (study, silo) in new[] { (world.Open.StudyId, survivor), (world.Other.StudyId, dying) })
        {
            await world.PlaceAsync(world.Cluster.Client.GetGrain<IDeletionLedgerGrain>(study), g => g.ListAsync(), silo);
        }
        world.Hook.Arm();
        var leaving = world.Leaver.Client.DeleteAsync("/v1/me");
        await world.Hook.WhenHeldAsync(2);

        await world.Cluster.KillSiloAsync(dying);
        world.Hook.Release();

        var left = await (await leaving).ShouldBeAsync(HttpStatusCode.Accepted);
        var outcomes = left["studies"]!.AsArray().ToDictionary(s => (string)s!["studyId"]!, s => (string)s!["dataDeletion"]!);
        // The first study's grain itself may have been on the dead silo too (study grains are placed at random).
        Assert.True(outcomes[world.Open.StudyId] is "deleted" or "pending", outcomes[world.Open.StudyId]);
        Assert.Equal("pending", outcomes[world.Other.StudyId]);

        await world.WhenCarriedOutAsync();
    }

    /// <summary>Holds every deletion ledger's <c>RequestAsync</c> while armed, on whichever silo it runs.</summary>
    private sealed class LedgerDoor : IIncomingGrainCallFilter
    {
        private readonly Lock _lock = new();
        private TaskCompletionSource? _gate;
        private int _held;

        public void Arm()
        {
            lock (_lock)
            {
                _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
                _held = 0;
            }
        }

        public void Release()
        {
            lock (_lock)
            {
                _gate?.TrySetResult();
                _gate = null;
            }
        }

        public Task WhenHeldAsync(int calls) =>
            Eventually.HoldsAsync(() => Task.FromResult(Volatile.Read(ref _held) >= calls), $"{calls} ledger requests at the door", []);

        public async Task Invoke(IIncomingGrainCallContext context)
        {
            Task? wait = null;
            if (context.InterfaceMethod?.Name == nameof(IDeletionLedgerGrain.RequestAsync))
            {
                lock (_lock)
                {
                    if (_gate is { } gate)
                    {
                        _held++;
                        wait = gate.Task;
                    }
                }
            }
            if (wait is not null)
            {
                await wait;
            }
            await context.Invoke();
        }
    }

    /// <summary>
    /// Two silos on their own database (deletions retried every second); two open studies; a leaver with events in
    /// both, and in each a participant who stays.
    /// </summary>
    private sealed class World : IAsyncDisposable
    {
        private const int LeaverEvents = 3;
        private const int StayerEvents = 2;

        private readonly InProcessTestCluster _cluster;
        private readonly RallyApiFactory _front;
        private readonly PostgresServer _server;
        private readonly Dictionary<string, string> _leaverPseudonyms = [];

        private World(PostgresServer server, string database, InProcessTestCluster cluster, RallyApiFactory front, LedgerDoor hook)
        {
            _server = server;
            Database = database;
            _cluster = cluster;
            _front = front;
            Hook = hook;
        }

        public string Database { get; }

        public LedgerDoor Hook { get; }

        public InProcessTestCluster Cluster => _cluster;

        private RallyApi Api => new(_front);

        public IngestionScenario Open { get; private set; } = null!;

        public IngestionScenario Other { get; private set; } = null!;

        /// <summary>The participant who leaves Rally (the first study's own participant).</summary>
        public TestParticipant Leaver => Open.Participant;

        public static async Task<World> StartAsync(PostgresServer server)
        {
            var database = await server.CreateDatabaseAsync();
            var hook = new LedgerDoor();
            var cluster = await TestClusters.StartAsync(2,
                TestClusters.OnPostgres(database, new Dictionary<string, string?> { ["Rally:Deletions:RetryPeriod"] = "00:00:01" }), b =>
                {
                    b.Options.ServiceId = $"rally-leaving-faults-{Guid.NewGuid():N}"[..28];
                    // Random placement honours placement hints, so the test can choose which silo dies under which grain.
                    b.ConfigureSilo((_, silo) =>
                    {
                        silo.Services.AddSingleton<PlacementStrategy, RandomPlacement>();
                        silo.Services.AddSingleton<IIncomingGrainCallFilter>(hook);
                    });
                });
            // The front reads the study store on its own (the test front would otherwise use the first silo's, which may die).
            var front = RallyApiFactory.Start(cluster, services: s => s.AddSingleton<IStudyEventStore>(new PostgresStudyEventStore(NpgsqlDataSource.Create(database))));
            var world = new World(server, database, cluster, front, hook);
            await world.FillAsync();
            return world;
        }

        private async Task FillAsync()
        {
            var api = Api;
            Open = await IngestionScenario.StartAsync(api);
            Other = await IngestionScenario.StartAsync(api);
            await (await RallyApi.EnrollAsync(Leaver, Other.StudyId)).ShouldBeAsync(HttpStatusCode.Created);
            var stayer = await api.JoinAsync();
            await (await RallyApi.EnrollAsync(stayer, Open.StudyId)).ShouldBeAsync(HttpStatusCode.Created);
            foreach (var (study, stays) in new[] { (Open, stayer), (Other, Other.Participant) })
            {
                var leaverEvents = Enumerable.Range(0, LeaverEvents).Select(_ => study.Event()).ToArray();
                await (await study.UploadAsync(Leaver.Client, leaverEvents)).ShouldBeAsync(HttpStatusCode.Accepted);
                await (await study.UploadAsync(stays.Client, [.. Enumerable.Range(0, StayerEvents).Select(_ => study.Event())])).ShouldBeAsync(HttpStatusCode.Accepted);
                var stored = await study.ExportWhenStoredAsync(LeaverEvents + StayerEvents);
                _leaverPseudonyms[study.StudyId] = (string)stored.Single(l => (string?)l["id"] == (string?)leaverEvents[0]["id"])["participant"]!;
            }
        }

        public async Task<SiloAddress?> HostOfAsync(IAddressable grain) =>
            (await Cluster.Client.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics()).FirstOrDefault(g => g.GrainId == grain.GetGrainId())?.SiloAddress;

        public Task PlaceAsync<TGrain>(TGrain grain, Func<TGrain, Task> touch, InProcessSiloHandle silo)
            where TGrain : IAddressable =>
            GrainPlacement.OnSiloAsync(Cluster, grain.GetGrainId(), () => touch(grain), silo);

        /// <summary>
        /// Every study's events of the leaver gone (and only those), each ledger's request completed, the participant
        /// a tombstone whose token does not work, and its reminder gone.
        /// </summary>
        public async Task WhenCarriedOutAsync()
        {
            foreach (var study in new[] { Open, Other })
            {
                await Eventually.HoldsAsync(async () => await LeaverRowsAsync(study.StudyId) == 0, $"the leaver's events in {study.StudyId} to go", []);
                var left = await study.ExportAsync();
                Assert.Equal(StayerEvents, left.Length);
                Assert.All(left, l => Assert.NotEqual(_leaverPseudonyms[study.StudyId], (string?)l["participant"]));
                JsonNode? request = null;
                await Eventually.HoldsAsync(async () =>
                {
                    var ledger = await (await Api.Operator.GetAsync($"/v1/studies/{study.StudyId}/deletions")).ShouldBeAsync(HttpStatusCode.OK);
                    request = ledger["requests"]!.AsArray().SingleOrDefault();
                    return (string?)request?["status"] == "completed";
                }, $"the request in {study.StudyId}'s ledger to complete", []);
                Assert.Equal(LeaverEvents, (long?)request!["deletedEvents"]);
            }
            await (await Leaver.Client.GetAsync("/v1/me")).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
            var refused = await Assert.ThrowsAsync<RefusedException>(() => Cluster.Client.GetGrain<IParticipantGrain>(Leaver.Id).GetAsync());
            Assert.Equal(RefusalKind.ParticipantLeft, refused.Kind);
            await Eventually.HoldsAsync(async () => await TestDatabase.ScalarAsync<long>(Database,
                "SELECT count(*) FROM rally_reminder WHERE grain_id ILIKE '%' || @id || '%'", ("id", Leaver.Id.ToString("N"))) == 0,
                "the participant's reminder to go", []);
        }

        private Task<long> LeaverRowsAsync(string studyId) => TestDatabase.ScalarAsync<long>(Database,
            "SELECT count(*) FROM rally_study_events WHERE study_id = @study AND participant = @participant",
            ("study", studyId), ("participant", _leaverPseudonyms[studyId]));

        public async ValueTask DisposeAsync()
        {
            Hook.Release();
            Open?.Dispose();
            Other?.Dispose();
            await _front.DisposeAsync();
            await _cluster.DisposeAsync();
            await _server.CloseConnectionsAsync(Database);
        }
    }
}
