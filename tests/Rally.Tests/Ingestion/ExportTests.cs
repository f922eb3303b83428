using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Rally.Tests.Infrastructure;

namespace Rally.Tests.Ingestion;

public abstract class ExportCases : RallyCases
{
    [Fact]
    public async Task An_export_resumes_after_a_cursor()
    {
        using var study = await IngestionScenario.StartAsync(Api);
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
    public async Task Cursors_do_not_show_how_much_other_studies_stored_between_them()
    {
        using var study = await IngestionScenario.StartAsync(Api);
        using var busy = await IngestionScenario.StartAsync(Api);
        await (await study.UploadAsync(study.Event())).ShouldBeAsync(HttpStatusCode.Accepted);
        await study.ExportWhenStoredAsync(1);
        await (await study.UploadAsync(study.Event())).ShouldBeAsync(HttpStatusCode.Accepted);
        await study.ExportWhenStoredAsync(2);
        await (await busy.UploadAsync([.. Enumerable.Range(0, 50).Select(_ => busy.Event())])).ShouldBeAsync(HttpStatusCode.Accepted);
        await busy.ExportWhenStoredAsync(50);
        await (await study.UploadAsync(study.Event())).ShouldBeAsync(HttpStatusCode.Accepted);

        var cursors = (await study.ExportWhenStoredAsync(3)).Select(l => (string)l["cursor"]!).ToArray();

        Assert.Single(cursors.Select(c => c.Length).Distinct());
        Assert.All(cursors, c => Assert.Matches("^[A-Za-z0-9_-]+$", c));
        foreach (var (first, second) in cursors.Zip(cursors.Skip(1)))
        {
            var same = first.Zip(second).Count(pair => pair.First == pair.Second);
            Assert.True(same <= 8, $"{first} and {second} share {same} of {first.Length} characters");
        }
    }

    [Fact]
    public async Task A_cursor_of_another_study_an_altered_one_or_a_plaintext_one_is_refused()
    {
        using var study = await IngestionScenario.StartAsync(Api);
        using var other = await IngestionScenario.StartAsync(Api);
        await (await study.UploadAsync(study.Event(), study.Event())).ShouldBeAsync(HttpStatusCode.Accepted);
        await (await other.UploadAsync(other.Event())).ShouldBeAsync(HttpStatusCode.Accepted);
        var mine = (string)(await study.ExportWhenStoredAsync(2))[0]["cursor"]!;
        var theirs = (string)(await other.ExportWhenStoredAsync(1))[0]["cursor"]!;
        var altered = mine[..10] + (mine[10] == 'A' ? 'B' : 'A') + mine[11..];
        var path = $"/v1/studies/{study.StudyId}/events";

        foreach (var after in new[] { theirs, altered, "0-0", "1-1", "123456-7890123" })
        {
            var refused = await (await study.Partner.Researcher.GetAsync($"{path}?after={Uri.EscapeDataString(after)}"))
                .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-request");
            Assert.Contains("Restart the export from the beginning", (string?)refused["detail"], StringComparison.Ordinal);
        }
        Assert.Single(await study.ExportAsync($"?after={mine}"));
    }

    [Fact]
    public async Task Only_the_studys_own_researchers_export_and_every_export_is_audited()
    {
        using var study = await IngestionScenario.StartAsync(Api);
        await (await study.UploadAsync(study.Event(), study.Event())).ShouldBeAsync(HttpStatusCode.Accepted);
        await study.ExportWhenStoredAsync(2);
        var other = await Api.NewPartnerAsync();
        var path = $"/v1/studies/{study.StudyId}/events";

        await (await other.Researcher.GetAsync(path)).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-found");
        await (await study.Participant.Client.GetAsync(path)).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await Api.Operator.GetAsync(path)).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await Api.Anonymous.GetAsync(path)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        await (await study.Partner.Researcher.GetAsync($"{path}?after=x")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-request");
        await (await study.Partner.Researcher.GetAsync($"{path}?limit=0")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-request");

        Assert.Equal(2, (await study.ExportAsync()).Length);
        var audit = await (await Api.Operator.GetAsync($"/v1/studies/{study.StudyId}/audit")).Content.ReadFromJsonAsync<JsonArray>();
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
        using var study = await IngestionScenario.StartAsync(Api);
        await (await study.UploadAsync(study.Event(), study.Event(), study.Event("search"))).ShouldBeAsync(HttpStatusCode.Accepted);
        await study.ExportWhenStoredAsync(3);

        var stats = await (await study.Partner.Researcher.GetAsync($"/v1/studies/{study.StudyId}/stats")).ShouldBeAsync(HttpStatusCode.OK);
        var byOperator = await (await Api.Operator.GetAsync($"/v1/studies/{study.StudyId}/stats")).ShouldBeAsync(HttpStatusCode.OK);

        Assert.Equal(1, (int?)stats["enrolled"]);
        Assert.Equal(2, (long?)stats["eventsByType"]!["page-visit"]);
        Assert.Equal(1, (long?)stats["eventsByType"]!["search"]);
        var day = DateTimeOffset.UtcNow.AddMinutes(-5).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(3, (long?)stats["eventsByDay"]![day]);
        Assert.True(JsonNode.DeepEquals(stats, byOperator));
        var other = await Api.NewPartnerAsync();
        await (await other.Researcher.GetAsync($"/v1/studies/{study.StudyId}/stats")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-found");
    }
}

/// <summary>In memory, where positions have no transaction (0).</summary>
[Collection(ApiCollection.Name)]
public sealed class ExportTests(ApiFixture fixture) : ExportCases
{
    protected override Task<RallyApi> ConnectAsync() => Task.FromResult(new RallyApi(fixture));
}

/// <summary>On PostgreSQL, where positions are real transaction ids and sequence numbers shared by all studies.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ExportOnPostgresTests(PostgresServer postgres, PostgresApiFixture fixture) : ExportCases, IClassFixture<PostgresApiFixture>
{
    protected override Task<RallyApi> ConnectAsync() => fixture.ConnectAsync(postgres);
}
