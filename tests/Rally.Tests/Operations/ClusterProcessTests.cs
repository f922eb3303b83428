using System.Net;
using System.Net.Http.Json;
using Rally.Tests.Infrastructure;

namespace Rally.Tests.Operations;

/// <summary>Real <c>Rally.Silo</c> and <c>Rally.Api</c> processes on one database make one working system.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ClusterProcessTests(PostgresServer server)
{
    [Fact]
    public async Task Two_silo_processes_and_an_api_front_started_before_them_make_one_working_system()
    {
        var database = await server.CreateDatabaseAsync();
        // The front starts first: it must wait for the silos rather than fail.
        await using var api = RallyProcess.StartFront(database);
        await using var first = RallyProcess.StartSilo(database);
        await using var second = RallyProcess.StartSilo(database);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        RallyProcess[] all = [api, first, second];

        await Eventually.HoldsAsync(async () => await ClusterMembership.ActiveSilosAsync(database) == 2, "both silos Active in the membership table", all);
        foreach (var process in all)
        {
            await Eventually.HoldsAsync(() => process.IsReadyAsync(http), $"/health/ready on port {process.HttpPort} to answer 200", all);
        }

        var joined = await (await http.PostAsJsonAsync(new Uri(api.BaseAddress, "/v1/participants"), RallyApi.JoinBody())).ShouldBeAsync(HttpStatusCode.Created);
        using var participant = new HttpRequestMessage(HttpMethod.Get, new Uri(api.BaseAddress, "/v1/me"));
        participant.Headers.Authorization = new("Bearer", (string)joined["token"]!);
        var me = await (await http.SendAsync(participant)).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal((string?)joined["participantId"], (string?)me["participantId"]);
        Assert.Equal(1L, await TestDatabase.ScalarAsync<long>(database, "SELECT count(*) FROM rally_grain_state WHERE grain_type = 'participant'"));
        Assert.Equal(2, await ClusterMembership.ActiveSilosAsync(database));
        Assert.Contains("Client mode", api.Output, StringComparison.Ordinal);
    }
}
