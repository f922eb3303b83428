using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime.Membership;
using Orleans.Runtime.MembershipService;
using Rally.Silo.Hosting;
using Rally.Silo.Schema;
using Rally.Tests.Infrastructure;

namespace Rally.Tests.Postgres;

/// <summary>Orleans' ADO.NET membership table and gateway list, driven directly, on Rally's schema.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ClusteringProviderTests(PostgresServer server) : IAsyncLifetime
{
    private const string ClusterId = "rally-test";
    private readonly ServiceProvider _services = new ServiceCollection().BuildServiceProvider();
    private string _database = "";
    private int _nextPort = 11111;

    public async Task InitializeAsync()
    {
        _database = await server.CreateDatabaseAsync();
        await SchemaMigrator.MigrateAsync(_database, NullLogger.Instance);
    }

    public async Task DisposeAsync() => await _services.DisposeAsync();

    [Fact]
    public async Task A_new_cluster_reads_as_version_zero_without_members()
    {
        var table = await StartTableAsync();

        var data = await table.ReadAllAsync();

        Assert.Empty(data.Members);
        Assert.Equal(0, data.Version.Version);
    }

    [Fact]
    public async Task A_silo_joins_only_against_the_current_version()
    {
        var table = await StartTableAsync();
        var empty = await table.ReadAllAsync();
        var first = Entry(SiloStatus.Joining);

        Assert.True(await table.InsertRowAsync(first, empty.Version.Next()));
        Assert.False(await table.InsertRowAsync(Entry(SiloStatus.Joining), empty.Version.Next()));
        Assert.False(await table.InsertRowAsync(first, (await table.ReadAllAsync()).Version.Next()));

        var joined = await table.ReadAllAsync();
        var stored = Assert.Single(joined.Members).Item1;
        Assert.Equal(1, joined.Version.Version);
        Assert.Equal(first.SiloAddress, stored.SiloAddress);
        Assert.Equal((first.SiloName, first.HostName, first.ProxyPort), (stored.SiloName, stored.HostName, stored.ProxyPort));
        Assert.Equal(Microseconds(first.StartTime), stored.StartTime);
    }

    [Fact]
    public async Task Of_two_silos_joining_against_one_version_exactly_one_succeeds()
    {
        var table = await StartTableAsync();
        var version = (await table.ReadAllAsync()).Version.Next();
        var (first, second) = (Entry(SiloStatus.Joining), Entry(SiloStatus.Joining));

        var results = await Task.WhenAll(
            Task.Run(() => table.InsertRowAsync(first, version)),
            Task.Run(() => table.InsertRowAsync(second, version)));

        Assert.Single(results, joined => joined);
        Assert.Single((await table.ReadAllAsync()).Members);
    }

    [Fact]
    public async Task A_status_change_needs_the_current_version_and_a_heartbeat_needs_none()
    {
        var table = await StartTableAsync();
        var silo = Entry(SiloStatus.Joining);
        await table.InsertRowAsync(silo, (await table.ReadAllAsync()).Version.Next());
        var joined = await table.ReadAllAsync();
        var (entry, etag) = joined.Members[0];
        entry.Status = SiloStatus.Active;
        entry.AddOrUpdateSuspector(SiloAddress.New(IPAddress.Loopback, 22222, 1), DateTime.UtcNow, 3);

        Assert.True(await table.UpdateRowAsync(entry, etag, joined.Version.Next()));
        Assert.False(await table.UpdateRowAsync(entry, etag, joined.Version.Next()));
        var alive = Microseconds(DateTime.UtcNow.AddSeconds(5));
        await table.UpdateIAmAliveAsync(new MembershipEntry { SiloAddress = silo.SiloAddress, IAmAliveTime = alive });

        var updated = await table.ReadRowAsync(silo.SiloAddress);
        var row = Assert.Single(updated.Members).Item1;
        Assert.Equal(2, updated.Version.Version);
        Assert.Equal(SiloStatus.Active, row.Status);
        Assert.Equal(alive, row.IAmAliveTime);
        Assert.Single(row.SuspectTimes!);
    }

    [Fact]
    public async Task Reading_an_unknown_silo_returns_the_version_without_members()
    {
        var table = await StartTableAsync();
        await table.InsertRowAsync(Entry(SiloStatus.Active), (await table.ReadAllAsync()).Version.Next());

        var unknown = await table.ReadRowAsync(SiloAddress.New(IPAddress.Loopback, 1, 1));

        Assert.Empty(unknown.Members);
        Assert.Equal(1, unknown.Version.Version);
    }

    [Fact]
    public async Task Cleanup_removes_silos_that_stopped_heart_beating_unless_active()
    {
        var table = await StartTableAsync();
        var longAgo = DateTime.UtcNow.AddHours(-1);
        var dead = Entry(SiloStatus.Dead, longAgo);
        var active = Entry(SiloStatus.Active, longAgo);
        var recent = Entry(SiloStatus.Dead);
        foreach (var silo in new[] { dead, active, recent })
        {
            await table.InsertRowAsync(silo, (await table.ReadAllAsync()).Version.Next());
        }

        await table.CleanupDefunctSiloEntriesAsync(DateTimeOffset.UtcNow.AddMinutes(-10));

        var left = (await table.ReadAllAsync()).Members.Select(m => m.Item1.SiloAddress);
        Assert.Equal([active.SiloAddress, recent.SiloAddress], left.OrderBy(a => a.Endpoint.Port));
    }

    [Fact]
    public async Task Deleting_a_cluster_removes_its_members_and_version_but_no_other_cluster()
    {
        var table = await StartTableAsync();
        var other = await StartTableAsync("other-cluster");
        await table.InsertRowAsync(Entry(SiloStatus.Active), (await table.ReadAllAsync()).Version.Next());
        await other.InsertRowAsync(Entry(SiloStatus.Active), (await other.ReadAllAsync()).Version.Next());

        await table.DeleteMembershipTableEntriesAsync(ClusterId);

        Assert.Equal(0L, await TestDatabase.ScalarAsync<long>(_database,
            "SELECT count(*) FROM rally_membership_version WHERE deployment_id = @id", ("id", ClusterId)));
        Assert.Equal(0L, await TestDatabase.ScalarAsync<long>(_database,
            "SELECT count(*) FROM rally_membership WHERE deployment_id = @id", ("id", ClusterId)));
        Assert.Single((await other.ReadAllAsync()).Members);
    }

    [Fact]
    public async Task Clients_see_only_active_silos_that_run_a_gateway()
    {
        var table = await StartTableAsync();
        var gateway = Entry(SiloStatus.Active);
        var joining = Entry(SiloStatus.Joining);
        var noGateway = Entry(SiloStatus.Active);
        noGateway.ProxyPort = 0;
        foreach (var silo in new[] { gateway, joining, noGateway })
        {
            await table.InsertRowAsync(silo, (await table.ReadAllAsync()).Version.Next());
        }
        var gateways = new AdoNetGatewayListProvider(
            NullLogger<AdoNetGatewayListProvider>.Instance,
            _services,
            Options.Create(new AdoNetClusteringClientOptions { Invariant = RallyStorage.Invariant, ConnectionString = _database }),
            Options.Create(new GatewayOptions()),
            Options.Create(new ClusterOptions { ClusterId = ClusterId, ServiceId = ClusterId }));
        await gateways.InitializeGatewayListProviderAsync();

        var uris = await gateways.GetGatewaysAsync();

        Assert.Equal([SiloAddress.New(gateway.SiloAddress.Endpoint.Address, gateway.ProxyPort, gateway.SiloAddress.Generation).ToGatewayUri()], uris);
    }

    private async Task<AdoNetClusteringTable> StartTableAsync(string clusterId = ClusterId)
    {
        var table = new AdoNetClusteringTable(
            _services,
            Options.Create(new ClusterOptions { ClusterId = clusterId, ServiceId = clusterId }),
            Options.Create(new AdoNetClusteringSiloOptions { Invariant = RallyStorage.Invariant, ConnectionString = _database }),
            NullLogger<AdoNetClusteringTable>.Instance);
        await table.InitializeMembershipTableAsync(tryInitTableVersion: true);
        return table;
    }

    private MembershipEntry Entry(SiloStatus status, DateTime? iAmAlive = null)
    {
        var port = _nextPort++;
        var now = DateTime.UtcNow;
        return new MembershipEntry
        {
            SiloAddress = SiloAddress.New(IPAddress.Loopback, port, 1),
            SiloName = $"silo-{port}",
            HostName = "rally-test-host",
            Status = status,
            ProxyPort = port + 10000,
            StartTime = now,
            IAmAliveTime = iAmAlive ?? now,
        };
    }

    /// <summary>PostgreSQL keeps microseconds; .NET ticks are finer.</summary>
    private static DateTime Microseconds(DateTime time) => new(time.Ticks - (time.Ticks % 10), DateTimeKind.Utc);
}
