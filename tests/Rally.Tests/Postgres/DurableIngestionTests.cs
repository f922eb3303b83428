using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Rally.Tests.Infrastructure;

namespace Rally.Tests.Postgres;

/// <summary>On PostgreSQL, 202 means durable: what was acknowledged survives a silo dying, and is stored exactly once.</summary>
[Collection(PostgresCollection.Name)]
public sealed class DurableIngestionTests(PostgresServer postgres)
{
    [Fact]
    public async Task Events_acknowledged_before_a_silo_dies_are_all_stored_exactly_once()
    {
        var database = await postgres.CreateDatabaseAsync();
        await using var deployment = await TestDeployment.StartAsync(2, TestClusters.OnPostgres(database),
            b => b.Options.ServiceId = "rally-durable-ingestion");
        var cluster = deployment.Cluster;
        var api = deployment.Api;
        using var key = new StudyKeyPair();
        var studies = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            studies.Add((await api.EnrollingStudyAsync(RallyApi.StudyCard(key: key))).StudyId);
        }
        var participants = new List<TestParticipant>();
        for (var i = 0; i < 8; i++)
        {
            var participant = await api.JoinAsync();
            foreach (var studyId in studies)
            {
                await (await RallyApi.EnrollAsync(participant, studyId)).ShouldBeAsync(HttpStatusCode.Created);
            }
            participants.Add(participant);
        }

        var acknowledged = new ConcurrentBag<(string StudyId, Guid Id)>();
        var failed = 0;
        using var stop = new CancellationTokenSource();
        async Task UploadLoopAsync(TestParticipant participant, int seed)
        {
            for (var round = 0; !stop.IsCancellationRequested && round < 400; round++)
            {
                var studyId = studies[(seed + round) % studies.Count];
                var ids = Enumerable.Range(0, 10).Select(_ => Guid.NewGuid()).ToArray();
                var body = new JsonObject
                {
                    ["events"] = new JsonArray([.. ids.Select(id => (JsonNode)new JsonObject
                    {
                        ["id"] = id.ToString(), ["type"] = "page-visit", ["collectedAt"] = DateTimeOffset.UtcNow.ToString("O"),
                        ["privateWindow"] = false, ["payload"] = key.Encrypt("{\"n\":1}"),
                    })]),
                };
                try
                {
                    var response = await participant.Client.PostAsJsonAsync($"/v1/studies/{studyId}/events", body);
                    if (response.StatusCode == HttpStatusCode.Accepted)
                    {
                        foreach (var id in ids)
                        {
                            acknowledged.Add((studyId, id));
                        }
                    }
                    else
                    {
                        Interlocked.Increment(ref failed);
                    }
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref failed);
                }
            }
        }

        var load = participants.Select((p, i) => UploadLoopAsync(p, i)).ToArray();
        await WaitForAsync(() => acknowledged.Count >= 400, TimeSpan.FromSeconds(60));
        await cluster.KillSiloAsync(cluster.Silos[1]);
        var atKill = acknowledged.Count;
        await WaitForAsync(() => acknowledged.Count >= atKill + 400, TimeSpan.FromSeconds(90));
        await stop.CancelAsync();
        await Task.WhenAll(load);

        // Everything acknowledged reaches the study stores, once, however often the stream redelivered it.
        var expected = acknowledged.Count;
        await WaitForAsync(async () => await StoredAsync(database) >= expected, TimeSpan.FromSeconds(120));
        Assert.Equal(expected, await StoredAsync(database));
        var stored = await TestDatabase.ColumnAsync<Guid>(database, "SELECT id FROM rally_study_events");
        Assert.Equal(stored.Count, stored.Distinct().Count());
        Assert.Empty(acknowledged.Select(a => a.Id).Except(stored));
        Assert.True(expected > atKill, $"uploads went on after the kill ({atKill} acknowledged before it, {expected} in all, {failed} failed)");
    }

    private static Task<long> StoredAsync(string database) => TestDatabase.ScalarAsync<long>(database, "SELECT count(*) FROM rally_study_events");

    private static Task WaitForAsync(Func<bool> condition, TimeSpan timeout) => WaitForAsync(() => Task.FromResult(condition()), timeout);

    private static async Task WaitForAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting");
            await Task.Delay(100);
        }
    }
}
