using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.TestingHost;
using Rally.Grains.Deletions;
using Rally.Tests.Infrastructure;

namespace Rally.Tests.Deletions;

/// <summary>
/// A deletion request, once acknowledged, is carried out whatever happens while it runs: the database going away
/// under it, or the silo running it dying. Each case holds the deletion mid-way (a lock the deletion needs, taken
/// by the test), breaks something, lets go, and checks that the request completes with exactly the right rows gone.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class DeletionFailureTests(PostgresServer postgres) : IDisposable
{
    private const int LeaverEvents = 15;

    private readonly MeterListener _listener = new();
    private long _deferred;

    [Fact]
    public async Task A_deletion_cut_off_by_a_database_outage_completes_once_the_database_is_back()
    {
        ListenForDeferrals();
        await using var world = await World.StartAsync(postgres);
        await using var held = await world.HoldDeletionsAsync();
        var deletionId = await world.LeaveAsync();
        await world.WhenDeletionBlockedAsync();
        var name = new NpgsqlConnectionStringBuilder(world.Database).Database!;

        // The outage: the database refuses connections, and every open one is cut (the held deletion's among them).
        var deferredBefore = Interlocked.Read(ref _deferred);
        await TestDatabase.ExecuteAsync(world.Server, $"ALTER DATABASE \"{name}\" ALLOW_CONNECTIONS false");
        await TestDatabase.ExecuteAsync(world.Server, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = @name", ("name", name));
        try
        {
            // Tried and turned away more than once: the cut attempt, then at least one retry into the outage.
            await WaitAsync(() => Task.FromResult(Interlocked.Read(ref _deferred) >= deferredBefore + 2), "retries during the outage");
            // The request stays on record and readable meanwhile: reads never wait on the store.
            var during = await (await world.Participant.GetAsync($"/v1/me/deletions/{deletionId}")).ShouldBeAsync(HttpStatusCode.OK);
            Assert.Equal("pending", (string?)during["status"]);
        }
        finally
        {
            await TestDatabase.ExecuteAsync(world.Server, $"ALTER DATABASE \"{name}\" ALLOW_CONNECTIONS true");
        }

        await world.WhenCompletedAsync(deletionId);
        await world.AssertOnlyTheLeaversEventsWentAsync();
        await world.AssertTheNoticeNamesTheStudyAsync(deletionId);
    }

    [Fact]
    public async Task A_deletion_under_way_on_a_silo_that_dies_completes_on_another()
    {
        await using var world = await World.StartAsync(postgres);
        var dying = await world.LedgerOnSecondSiloAsync();
        await using var held = await world.HoldDeletionsAsync();
        var deletionId = await world.LeaveAsync();
        await world.WhenDeletionBlockedAsync();

        await world.Cluster.KillSiloAsync(dying);
        // A killed process's connections die with it: PostgreSQL rolls back what it had under way.
        await TestDatabase.ExecuteAsync(world.Database,
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'");
        await held.DisposeAsync();

        await world.WhenCompletedAsync(deletionId);
        await world.AssertOnlyTheLeaversEventsWentAsync();
        await world.AssertTheNoticeNamesTheStudyAsync(deletionId);
    }

    private void ListenForDeferrals()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == DeletionMetrics.MeterName && instrument.Name == "rally.deletions.deferred")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _deferred, value));
        _listener.Start();
    }

    public void Dispose() => _listener.Dispose();

    private static async Task WaitAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"gave up waiting for {what}");
            await Task.Delay(50);
        }
    }

    /// <summary>A two-silo cluster on its own database, a study, a participant about to leave it and one who stays.</summary>
    private sealed class World : IAsyncDisposable
    {
        private readonly TestDeployment _deployment;
        private readonly PostgresServer _server;
        private IngestionScenario _study = null!;
        private string _stayerPseudonym = "";

        private World(PostgresServer server, string database, TestDeployment deployment)
        {
            _server = server;
            Server = server.AdminConnectionString;
            Database = database;
            _deployment = deployment;
        }

        public string Server { get; }

        public string Database { get; }

        public InProcessTestCluster Cluster => _deployment.Cluster;

        public HttpClient Participant => _study.Participant.Client;

        public static async Task<World> StartAsync(PostgresServer server)
        {
            var database = await server.CreateDatabaseAsync();
            var deployment = await TestDeployment.StartAsync(2,
                TestClusters.OnPostgres(database, new Dictionary<string, string?> { ["Rally:Deletions:RetryPeriod"] = "00:00:01" }), b =>
                {
                    b.Options.ServiceId = "rally-deletion-failure";
                    // Random placement (Orleans' default weighs load, and keeps choosing the same silo here), so that
                    // the ledger can be sent to the silo the test kills.
                    b.ConfigureSilo((_, silo) => silo.Services.AddSingleton<PlacementStrategy, RandomPlacement>());
                });
            var world = new World(server, database, deployment);
            await world.FillAsync();
            return world;
        }

        private async Task FillAsync()
        {
            var api = _deployment.Api;
            _study = await IngestionScenario.StartAsync(api);
            var stayer = await api.JoinAsync();
            await (await RallyApi.EnrollAsync(stayer, _study.StudyId)).ShouldBeAsync(HttpStatusCode.Created);
            for (var i = 0; i < LeaverEvents / 5; i++)
            {
                await (await _study.UploadAsync([.. Enumerable.Range(0, 5).Select(_ => _study.Event())])).ShouldBeAsync(HttpStatusCode.Accepted);
            }
            await (await _study.UploadAsync(stayer.Client, _study.Event(), _study.Event())).ShouldBeAsync(HttpStatusCode.Accepted);
            var stored = await _study.ExportWhenStoredAsync(LeaverEvents + 2);
            _stayerPseudonym = stored.GroupBy(l => (string)l["participant"]!).Single(g => g.Count() == 2).Key;
        }

        /// <summary>Places the study's ledger on the second silo (the first serves the test API's reads).</summary>
        public async Task<InProcessSiloHandle> LedgerOnSecondSiloAsync()
        {
            var ledger = Cluster.Client.GetGrain<IDeletionLedgerGrain>(_study.StudyId);
            await GrainPlacement.OnSiloAsync(Cluster, ledger.GetGrainId(), () => ledger.ListAsync(), Cluster.Silos[1]);
            return Cluster.Silos[1];
        }

        /// <summary>Takes a lock every participant deletion needs, in a transaction held until disposed.</summary>
        public async Task<IAsyncDisposable> HoldDeletionsAsync()
        {
            var connection = new NpgsqlConnection(Database);
            await connection.OpenAsync();
            var transaction = await connection.BeginTransactionAsync();
            await using (var command = new NpgsqlCommand("LOCK TABLE rally_deleted_participants IN ACCESS EXCLUSIVE MODE", connection, transaction))
            {
                await command.ExecuteNonQueryAsync();
            }
            return new HeldLock(connection);
        }

        public async Task<string> LeaveAsync()
        {
            var left = await (await Participant.DeleteAsync($"/v1/me/enrollments/{_study.StudyId}")).ShouldBeAsync(HttpStatusCode.OK);
            Assert.Equal("deleted", (string?)left["dataDeletion"]);
            return (string)left["deletionId"]!;
        }

        public Task WhenDeletionBlockedAsync() => WaitAsync(async () =>
            await TestDatabase.ScalarAsync<long>(Database, "SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database WHERE d.datname = current_database() AND NOT l.granted") > 0,
            "the deletion to wait on the held lock");

        /// <summary>Polls as the participant would; while the cluster recovers an answer may be a 503, never anything else.</summary>
        public Task WhenCompletedAsync(string deletionId) => WaitAsync(async () =>
        {
            var response = await Participant.GetAsync($"/v1/me/deletions/{deletionId}");
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
            {
                return false;
            }
            var deletion = await response.ShouldBeAsync(HttpStatusCode.OK);
            return (string?)deletion["status"] == "completed";
        }, $"deletion {deletionId} to complete");

        /// <summary>The ledger that finished the request (a retry, or another activation) still names the study by its card's name.</summary>
        public async Task AssertTheNoticeNamesTheStudyAsync(string deletionId)
        {
            var notice = await RallyApi.DataDeletedNoticeAsync(Participant, deletionId);
            Assert.Equal($"The data that study '{(string)RallyApi.StudyCard()["name"]!}' collected from you has been deleted.", (string?)notice["message"]);
        }

        public async Task AssertOnlyTheLeaversEventsWentAsync()
        {
            var left = await _study.ExportAsync();
            Assert.Equal(2, left.Length);
            Assert.All(left, l => Assert.Equal(_stayerPseudonym, (string?)l["participant"]));
            var ledger = await (await _deployment.Api.Operator.GetAsync($"/v1/studies/{_study.StudyId}/deletions")).ShouldBeAsync(HttpStatusCode.OK);
            var request = Assert.Single(ledger["requests"]!.AsArray())!;
            Assert.Equal("completed", (string?)request["status"]);
            Assert.Equal(LeaverEvents, (long?)request["deletedEvents"]);
        }

        public async ValueTask DisposeAsync()
        {
            _study?.Dispose();
            await _deployment.DisposeAsync();
            await _server.CloseConnectionsAsync(Database);
        }
    }

    private sealed class HeldLock(NpgsqlConnection connection) : IAsyncDisposable
    {
        private bool _released;

        /// <summary>Ends the transaction (releasing the lock), whether or not the connection was cut meanwhile.</summary>
        public async ValueTask DisposeAsync()
        {
            if (_released)
            {
                return;
            }
            _released = true;
            try
            {
                await connection.DisposeAsync();
            }
            catch (NpgsqlException)
            {
                // Cut by the outage: its transaction, and the lock, ended with it.
            }
        }
    }
}
