using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Rally.Tests.Infrastructure;

namespace Rally.Tests.Ingestion;

[Collection(ApiCollection.Name)]
public sealed class ExportTests(ApiFixture fixture)
{
    private readonly RallyApi _api = new(fixture);

    [Fact]
    public async Task An_export_resumes_after_a_cursor()
    {
        using var study = await IngestionScenario.StartAsync(_api);
        await (await study.UploadAsync([.. Enumerable.Range(0, 5).Select(_ => study.Event())])).ShouldBeAsync(HttpStatusCode.Accepted);
        var all = await study.ExportWhenStoredAsync(5);

        var first = await study.ExportAsync("?limit=2");
        var rest = await study.ExportAsync($"?after={(string)first[^1]["cursor"]!}");

        Assert.Equal(2, first.Length);
        Assert.Equal(3, rest.Length);
        Assert.Equal(all.Select(l => (string?)l["id"]), first.Concat(rest).Select(l => (string?)l["id"]));
        Assert.Empty(await study.ExportAsync($"?after={(string)rest[^1]["cursor"]!}"));
    }

    [Fact]
    public async Task Only_the_studys_own_researchers_export_and_every_export_is_audited()
    {
        using var study = await IngestionScenario.StartAsync(_api);
        await (await study.UploadAsync(study.Event(), study.Event())).ShouldBeAsync(HttpStatusCode.Accepted);
        await study.ExportWhenStoredAsync(2);
        var other = await _api.NewPartnerAsync();
        var path = $"/v1/studies/{study.StudyId}/events";

        await (await other.Researcher.GetAsync(path)).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-found");
        await (await study.Participant.Client.GetAsync(path)).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await _api.Operator.GetAsync(path)).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await _api.Anonymous.GetAsync(path)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        await (await study.Partner.Researcher.GetAsync($"{path}?after=x")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-request");
        await (await study.Partner.Researcher.GetAsync($"{path}?limit=0")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-request");

        Assert.Equal(2, (await study.ExportAsync()).Length);
        var audit = await (await _api.Operator.GetAsync($"/v1/studies/{study.StudyId}/audit")).Content.ReadFromJsonAsync<JsonArray>();
        var last = audit![^1]!;
        Assert.Equal(study.Partner.ResearcherId.ToString(), (string?)last["researcherId"]);
        Assert.Equal(2, (long?)last["events"]);
        Assert.True((bool?)last["completed"]);
        Assert.All(audit, entry => Assert.Equal(study.Partner.ResearcherId.ToString(), (string?)entry!["researcherId"]));
        await (await study.Partner.Researcher.GetAsync($"/v1/studies/{study.StudyId}/audit")).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task Stats_count_enrolled_participants_and_events_by_type_and_day()
    {
        using var study = await IngestionScenario.StartAsync(_api);
        await (await study.UploadAsync(study.Event(), study.Event(), study.Event("search"))).ShouldBeAsync(HttpStatusCode.Accepted);
        await study.ExportWhenStoredAsync(3);

        var stats = await (await study.Partner.Researcher.GetAsync($"/v1/studies/{study.StudyId}/stats")).ShouldBeAsync(HttpStatusCode.OK);
        var byOperator = await (await _api.Operator.GetAsync($"/v1/studies/{study.StudyId}/stats")).ShouldBeAsync(HttpStatusCode.OK);

        Assert.Equal(1, (int?)stats["enrolled"]);
        Assert.Equal(2, (long?)stats["eventsByType"]!["page-visit"]);
        Assert.Equal(1, (long?)stats["eventsByType"]!["search"]);
        var day = DateTimeOffset.UtcNow.AddMinutes(-5).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(3, (long?)stats["eventsByDay"]![day]);
        Assert.True(JsonNode.DeepEquals(stats, byOperator));
        var other = await _api.NewPartnerAsync();
        await (await other.Researcher.GetAsync($"/v1/studies/{study.StudyId}/stats")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-found");
    }
}
