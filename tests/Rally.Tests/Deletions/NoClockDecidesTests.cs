using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using Rally.Grains.Ingestion;
using Rally.Tests.Infrastructure;

namespace Rally.Tests.Deletions;

/// <summary>
/// What a deletion removes and keeps out is decided by the enrollment's pseudonym, never by comparing timestamps:
/// two fronts whose clocks are an hour ahead and an hour behind the silo's stamp the uploads, and neither an event
/// stamped after the request nor one still in flight survives it, while a new enrollment's events, stamped before the
/// request by the slow front, are kept.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class NoClockDecidesTests(PostgresServer postgres)
{
    private static readonly TimeSpan Skew = TimeSpan.FromHours(1);

    [Fact]
    public async Task Leaving_deletes_and_keeps_out_the_enrollments_events_whatever_the_fronts_clocks_say()
    {
        var database = await postgres.CreateDatabaseAsync();
        await using var cluster = await TestClusters.StartAsync(1, TestClusters.OnPostgres(database), b => b.Options.ServiceId = "rally-no-clock");
        await using var ahead = RallyApiFactory.Start(cluster, services: s => s.AddSingleton<TimeProvider>(new SkewedClock(Skew)));
        await using var behind = RallyApiFactory.Start(cluster, services: s => s.AddSingleton<TimeProvider>(new SkewedClock(-Skew)));
        using var study = await IngestionScenario.StartAsync(new RallyApi(ahead));
        using var aheadClient = ahead.CreateClient(study.Participant.Token);
        using var behindClient = behind.CreateClient(study.Participant.Token);

        // One upload through each front: stamped an hour after and an hour before the silo's now.
        await (await study.UploadAsync(aheadClient, study.Event())).ShouldBeAsync(HttpStatusCode.Accepted);
        await (await study.UploadAsync(behindClient, Collected(study.Event(), -2 * Skew))).ShouldBeAsync(HttpStatusCode.Accepted);
        var before = await study.ExportWhenStoredAsync(2);
        var old = (string)before[0]["participant"]!;
        Assert.Contains(before, l => DateTimeOffset.Parse((string)l["receivedAt"]!) > DateTimeOffset.UtcNow.AddMinutes(30));

        var left = await (await behindClient.DeleteAsync($"/v1/me/enrollments/{study.StudyId}")).ShouldBeAsync(HttpStatusCode.OK);
        var deletion = await RallyApi.DeletionWhenAsync(behindClient, (string)left["deletionId"]!, "completed");
        Assert.Empty(await study.ExportAsync());

        // Still in flight under the old pseudonym, stamped by the fast front: never stored. The marker behind it in the
        // same stream shows the sink has seen it.
        var stream = cluster.Client.GetStreamProvider(RallyStreams.Provider).GetStream<EventBatch>(RallyStreams.ForStudy(study.StudyId, 0));
        var late = new StudyEvent(Guid.NewGuid(), "page-visit", DateTimeOffset.UtcNow, false, (string)study.Event()["payload"]!);
        await stream.OnNextAsync(new EventBatch(study.StudyId, old, DateTimeOffset.UtcNow + Skew, [late]));
        var marker = new StudyEvent(Guid.NewGuid(), "page-visit", DateTimeOffset.UtcNow, false, (string)study.Event()["payload"]!);
        await stream.OnNextAsync(new EventBatch(study.StudyId, "marker", DateTimeOffset.UtcNow, [marker]));
        Assert.Equal(marker.Id.ToString(), (string?)Assert.Single(await study.ExportWhenStoredAsync(1))["id"]);

        // Enrolled again: the slow front stamps the new enrollment's events before the deletion was requested; kept.
        await (await RallyApi.EnrollAsync(new TestParticipant(study.Participant.Id, study.Participant.Token, behindClient), study.StudyId)).ShouldBeAsync(HttpStatusCode.Created);
        var kept = Collected(study.Event(), -2 * Skew);
        await (await study.UploadAsync(behindClient, kept)).ShouldBeAsync(HttpStatusCode.Accepted);
        var after = await study.ExportWhenStoredAsync(2);
        var line = Assert.Single(after, l => (string?)l["id"] == (string?)kept["id"]);
        Assert.NotEqual(old, (string?)line["participant"]);
        // A cut-off by time would have dropped it: it reads as received before the request was made.
        Assert.True(DateTimeOffset.Parse((string)line["receivedAt"]!) < DateTimeOffset.Parse((string)deletion["requestedAt"]!));
        Assert.DoesNotContain(after, l => (string?)l["participant"] == old);
    }

    private static JsonObject Collected(JsonObject e, TimeSpan shift)
    {
        e["collectedAt"] = DateTimeOffset.UtcNow.Add(shift).ToString("O");
        return e;
    }
}
