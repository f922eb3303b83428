using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Rally.Api.Studies;
using Rally.Grains.Studies;
using Rally.Tests.Infrastructure;

namespace Rally.Tests.Api;

/// <summary>
/// A study id of the server's shape with a wrong MAC is refused exactly as a missing study, on every route that takes a
/// study id, and without activating any grain for it; ids made before server-made ids keep working.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class ForgedStudyIdTests(ApiFixture fixture)
{
    private readonly RallyApi _api = new(fixture);

    [Fact]
    public async Task A_forged_study_id_answers_as_a_missing_study_everywhere_and_activates_no_grain()
    {
        var ids = fixture.Factory.Services.GetRequiredService<StudyIds>();
        var missing = ids.New();
        var made = ids.New();
        var forged = made[..^1] + (made[^1] == 'a' ? 'b' : 'a');
        var partner = await _api.NewPartnerAsync();
        var participant = await _api.JoinAsync();
        var upload = new JsonObject
        {
            ["events"] = new JsonArray(new JsonObject
            {
                ["id"] = Guid.NewGuid().ToString(), ["type"] = "page-visit", ["collectedAt"] = DateTimeOffset.UtcNow.ToString("O"),
                ["privateWindow"] = false, ["payload"] = "e30..AAAAAAAAAAAAAAAA.AA.AAAAAAAAAAAAAAAAAAAAAA",
            }),
        };
        (string Route, HttpStatusCode Status, string Slug, Func<string, Task<HttpResponseMessage>> Call)[] routes =
        [
            ("GET the study", HttpStatusCode.NotFound, "not-found", id => _api.Anonymous.GetAsync($"/v1/studies/{id}")),
            ("GET the study as a researcher", HttpStatusCode.NotFound, "not-found", id => partner.Researcher.GetAsync($"/v1/studies/{id}")),
            ("PUT consent", HttpStatusCode.NotFound, "not-found", id => partner.Researcher.PutAsJsonAsync($"/v1/studies/{id}/consent", new { consentVersion = "2" })),
            ("GET events", HttpStatusCode.NotFound, "not-found", id => partner.Researcher.GetAsync($"/v1/studies/{id}/events")),
            ("GET stats", HttpStatusCode.NotFound, "not-found", id => partner.Researcher.GetAsync($"/v1/studies/{id}/stats")),
            ("POST launch", HttpStatusCode.NotFound, "not-found", id => _api.Operator.PostAsJsonAsync($"/v1/studies/{id}/launch", new { })),
            ("POST end", HttpStatusCode.NotFound, "not-found", id => _api.Operator.PostAsJsonAsync($"/v1/studies/{id}/end", new { })),
            ("GET deletions", HttpStatusCode.NotFound, "not-found", id => _api.Operator.GetAsync($"/v1/studies/{id}/deletions")),
            ("GET audit", HttpStatusCode.NotFound, "not-found", id => _api.Operator.GetAsync($"/v1/studies/{id}/audit")),
            ("POST releases", HttpStatusCode.NotFound, "not-found", id => partner.Researcher.PostAsJsonAsync($"/v1/studies/{id}/releases", new { epsilon = 1 })),
            ("GET releases", HttpStatusCode.NotFound, "not-found", id => _api.Anonymous.GetAsync($"/v1/studies/{id}/releases")),
            ("POST events", HttpStatusCode.NotFound, "not-enrolled", id => participant.Client.PostAsJsonAsync($"/v1/studies/{id}/events", upload)),
            ("POST enrollment", HttpStatusCode.NotFound, "not-found", id => RallyApi.EnrollAsync(participant, id)),
            ("DELETE enrollment", HttpStatusCode.NotFound, "not-enrolled", id => participant.Client.DeleteAsync($"/v1/me/enrollments/{id}")),
        ];

        foreach (var (route, status, slug, call) in routes)
        {
            var asMissing = await (await call(missing)).ShouldBeProblemAsync(status, slug);
            var asForged = await (await call(forged)).ShouldBeProblemAsync(status, slug);
            Assert.True(asMissing.Comparable(missing) == asForged.Comparable(forged), $"{route}: {asMissing} but {asForged}");
        }

        // The missing study's grain was asked (and so activated): the forged one's never was, nor any grain of its id.
        var active = (await fixture.Cluster.Client.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics())
            .Select(g => g.GrainId).ToArray();
        Assert.Contains(fixture.Cluster.Client.GetGrain<IStudyGrain>(missing).GetGrainId(), active);
        Assert.DoesNotContain(active, g => g.Key.ToString()!.Contains(forged, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_study_drafted_with_an_id_of_before_server_made_ids_works_end_to_end()
    {
        var partner = await _api.NewPartnerAsync("Legacy Lab");
        var key = new StudyKeyPair();
        var studyId = $"study-{Guid.NewGuid():N}"[..22];
        var card = new StudyCard(partner.Id, "Legacy Lab", "Search habits", "How people search the web.",
            [new DataType("page-visit", "Pages you visit"), new DataType("search", "Search engine queries")],
            "The study team", "A paper on search habits", false, null, "1",
            new StudyKey("EC", "P-256", key.X, key.Y, key.Kid), new AddOnInfo("legacy@rally.test", new Uri("https://addons.rally.test/legacy.xpi")));
        await fixture.Cluster.Client.GetGrain<IStudyGrain>(studyId).DraftAsync(card);

        Assert.Equal("draft", (string?)(await (await partner.Researcher.GetAsync($"/v1/studies/{studyId}")).ShouldBeAsync(HttpStatusCode.OK))["state"]);
        await _api.MoveAsync(studyId, "launch");
        using var study = await IngestionScenario.EnrollInAsync(_api, key, studyId, partner);
        await (await study.UploadAsync(study.Event(), study.Event(), study.Event("search"))).ShouldBeAsync(HttpStatusCode.Accepted);
        var all = await study.ExportWhenStoredAsync(3);
        var rest = await study.ExportAsync($"?after={(string)all[0]["cursor"]!}");
        var stats = await (await partner.Researcher.GetAsync($"/v1/studies/{studyId}/stats")).ShouldBeAsync(HttpStatusCode.OK);
        var left = await (await study.Participant.Client.DeleteAsync($"/v1/me/enrollments/{studyId}")).ShouldBeAsync(HttpStatusCode.OK);

        Assert.Equal(all.Skip(1).Select(l => (string?)l["id"]), rest.Select(l => (string?)l["id"]));
        Assert.Equal(1, (long?)stats["eventsByType"]!["search"]);
        Assert.Equal("deleted", (string?)left["dataDeletion"]);
        await RallyApi.DeletionWhenAsync(study.Participant.Client, (string)left["deletionId"]!, "completed");
    }
}
