using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Orleans.TestingHost;
using Rally.Grains.Partners;
using Rally.Grains.Storage;
using Rally.Tests.Infrastructure;

namespace Rally.Tests.Postgres;

/// <summary>Orleans' ADO.NET grain storage, as Rally's silos configure it, on Rally's schema.</summary>
[Collection(PostgresCollection.Name)]
public sealed class GrainStorageProviderTests(PostgresServer server)
{
    private const string PartnerState = "partner";

    [Fact]
    public async Task State_a_grain_writes_is_read_back_by_a_new_cluster()
    {
        var database = await server.CreateDatabaseAsync();
        var serviceId = NewServiceId();
        var partnerId = Guid.NewGuid();
        await using (var first = await TestClusters.StartOnPostgresAsync(database, serviceId))
        {
            await first.Client.GetGrain<IPartnerGrain>(partnerId).CreateAsync("Acme Research");
        }

        await using var second = await TestClusters.StartOnPostgresAsync(database, serviceId);
        var partner = await second.Client.GetGrain<IPartnerGrain>(partnerId).GetAsync();

        Assert.Equal("Acme Research", partner?.Name);
    }

    [Fact]
    public async Task State_is_stored_as_plain_camel_case_json()
    {
        var database = await server.CreateDatabaseAsync();
        await using var cluster = await TestClusters.StartOnPostgresAsync(database, NewServiceId());

        await cluster.Client.GetGrain<IPartnerGrain>(Guid.NewGuid()).CreateAsync("Acme Research");

        var json = await TestDatabase.ScalarAsync<string>(database,
            "SELECT convert_from(payload_binary, 'UTF8') FROM rally_grain_state WHERE grain_type = @type", ("type", PartnerState));
        using var document = JsonDocument.Parse(json);
        Assert.Equal("Acme Research", document.RootElement.GetProperty("name").GetString());
    }

    [Fact]
    public async Task A_grain_writing_after_another_cluster_wrote_first_gets_InconsistentStateException()
    {
        var database = await server.CreateDatabaseAsync();
        var serviceId = NewServiceId();
        await using var a = await TestClusters.StartOnPostgresAsync(database, serviceId);
        await using var b = await TestClusters.StartOnPostgresAsync(database, serviceId);
        var partnerId = Guid.NewGuid();
        Assert.Null(await b.Client.GetGrain<IPartnerGrain>(partnerId).GetAsync()); // b's activation read: no record

        await a.Client.GetGrain<IPartnerGrain>(partnerId).CreateAsync("First");

        await Assert.ThrowsAsync<InconsistentStateException>(
            () => b.Client.GetGrain<IPartnerGrain>(partnerId).CreateAsync("Second"));
    }

    [Fact]
    public async Task Each_write_moves_the_version_on_and_a_write_from_a_stale_version_is_refused()
    {
        var database = await server.CreateDatabaseAsync();
        await using var cluster = await TestClusters.StartOnPostgresAsync(database, NewServiceId());
        var storage = Storage(cluster);
        var grainId = PartnerGrainId(Guid.NewGuid());
        await storage.WriteStateAsync(PartnerState, grainId, State("v1"));
        var reader1 = await ReadAsync(storage, grainId);
        var reader2 = await ReadAsync(storage, grainId);

        reader1.State!.Name = "v2";
        await storage.WriteStateAsync(PartnerState, grainId, reader1);
        reader2.State!.Name = "stale";

        Assert.Equal(("1", "2"), (reader2.ETag, reader1.ETag));
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(PartnerState, grainId, reader2));
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(PartnerState, grainId, State("first again")));
        Assert.Equal("v2", (await ReadAsync(storage, grainId)).State!.Name);
    }

    [Fact]
    public async Task Clearing_keeps_the_record_without_state_and_moves_the_version_on()
    {
        var database = await server.CreateDatabaseAsync();
        await using var cluster = await TestClusters.StartOnPostgresAsync(database, NewServiceId());
        var storage = Storage(cluster);
        var grainId = PartnerGrainId(Guid.NewGuid());
        var state = State("to clear");
        await storage.WriteStateAsync(PartnerState, grainId, state);
        var stale = await ReadAsync(storage, grainId);
        state.State!.Name = "changed";
        await storage.WriteStateAsync(PartnerState, grainId, state);

        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync(PartnerState, grainId, stale));
        await storage.ClearStateAsync(PartnerState, grainId, state);

        var cleared = await ReadAsync(storage, grainId);
        Assert.Equal(("3", false), (state.ETag, state.RecordExists));
        Assert.Equal("3", cleared.ETag);
        Assert.Null(cleared.State!.Name);
        cleared.State!.Name = "again";
        await storage.WriteStateAsync(PartnerState, grainId, cleared);
        Assert.Equal("4", cleared.ETag);
    }

    [Fact]
    public async Task Records_whose_hashes_collide_or_whose_key_extensions_differ_never_mix()
    {
        var database = await server.CreateDatabaseAsync();
        await using var cluster = await TestClusters.StartOnPostgresAsync(database, NewServiceId());
        var storage = Storage(cluster);
        var key = Guid.NewGuid();
        var plain = PartnerGrainId(key); // no key extension: stored as NULL
        var extended = GrainId.Create(GrainType.Create(PartnerState), GrainIdKeyExtensions.CreateGuidKey(key, "extension"));
        var stringKey = GrainId.Create(PartnerState, "a-string-key");
        await storage.WriteStateAsync(PartnerState, plain, State("plain"));
        await storage.WriteStateAsync(PartnerState, extended, State("extended"));
        await storage.WriteStateAsync(PartnerState, stringKey, State("string"));
        // Another grain whose hashes equal the plain grain's: only the full identity tells them apart.
        await TestDatabase.ExecuteAsync(database, """
            INSERT INTO rally_grain_state (grain_id_hash, grain_type_hash, service_id, grain_type, grain_id_n0, grain_id_n1,
                                           grain_id_extension, payload_binary, version)
            SELECT grain_id_hash, grain_type_hash, service_id, grain_type, grain_id_n0 + 1, grain_id_n1,
                   grain_id_extension, convert_to('{"name":"impostor"}', 'UTF8'), 7
            FROM rally_grain_state
            WHERE convert_from(payload_binary, 'UTF8')::jsonb ->> 'name' = 'plain'
            """);

        var read = await ReadAsync(storage, plain);
        read.State!.Name = "plain, updated";
        await storage.WriteStateAsync(PartnerState, plain, read);

        Assert.Equal("extended", (await ReadAsync(storage, extended)).State!.Name);
        Assert.Equal("string", (await ReadAsync(storage, stringKey)).State!.Name);
        Assert.Equal("plain, updated", (await ReadAsync(storage, plain)).State!.Name);
        Assert.Equal(7, await TestDatabase.ScalarAsync<int>(database,
            "SELECT version FROM rally_grain_state WHERE convert_from(payload_binary, 'UTF8')::jsonb ->> 'name' = 'impostor'"));
    }

    private static string NewServiceId() => $"rally-test-{Guid.NewGuid():N}";

    private static IGrainStorage Storage(InProcessTestCluster cluster) =>
        cluster.Silos[0].ServiceProvider.GetRequiredKeyedService<IGrainStorage>(StorageNames.Rally);

    private static GrainId PartnerGrainId(Guid key) => GrainId.Create(GrainType.Create(PartnerState), GrainIdKeyExtensions.CreateGuidKey(key));

    private static GrainState<PartnerState> State(string name) => new(new PartnerState { Name = name });

    private static async Task<GrainState<PartnerState>> ReadAsync(IGrainStorage storage, GrainId grainId)
    {
        var state = new GrainState<PartnerState>(new PartnerState());
        await storage.ReadStateAsync(PartnerState, grainId, state);
        return state;
    }
}
