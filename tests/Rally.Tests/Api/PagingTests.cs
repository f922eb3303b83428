using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Rally.Tests.Infrastructure;

namespace Rally.Tests.Api;

/// <summary>Operators read deletion ledgers and export audits a page at a time.</summary>
[Collection(ApiCollection.Name)]
public sealed class PagingTests(ApiFixture fixture)
{
    private readonly RallyApi _api = new(fixture);

    [Fact]
    public async Task A_deletion_ledger_is_read_a_page_at_a_time_by_its_next_cursor()
    {
        var (studyId, _) = await _api.EnrollingStudyAsync();
        var deletionIds = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var participant = await _api.JoinAsync();
            await (await RallyApi.EnrollAsync(participant, studyId)).ShouldBeAsync(HttpStatusCode.Created);
            var left = await (await participant.Client.DeleteAsync($"/v1/me/enrollments/{studyId}")).ShouldBeAsync(HttpStatusCode.OK);
            deletionIds.Add((string)left["deletionId"]!);
        }
        var path = $"/v1/studies/{studyId}/deletions";

        var first = await (await _api.Operator.GetAsync($"{path}?limit=2")).ShouldBeAsync(HttpStatusCode.OK);
        var next = (string)first["next"]!;
        var second = await (await _api.Operator.GetAsync($"{path}?limit=2&after={Uri.EscapeDataString(next)}")).ShouldBeAsync(HttpStatusCode.OK);
        var whole = await (await _api.Operator.GetAsync(path)).ShouldBeAsync(HttpStatusCode.OK);

        Assert.Equal(2, first["requests"]!.AsArray().Count);
        Assert.Single(second["requests"]!.AsArray());
        Assert.Null(second["next"]);
        Assert.Null(whole["next"]);
        var paged = first["requests"]!.AsArray().Concat(second["requests"]!.AsArray()).Select(r => (string)r!["deletionId"]!);
        Assert.Equal(whole["requests"]!.AsArray().Select(r => (string)r!["deletionId"]!), paged);
        Assert.Equal(deletionIds.Order(), paged.Order());
        await (await _api.Operator.GetAsync($"{path}?after=not-a-cursor")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-request");
        await (await _api.Operator.GetAsync($"{path}?limit=0")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-request");
        await (await _api.Operator.GetAsync($"{path}?limit=1001")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-request");
    }

    [Fact]
    public async Task An_export_audit_is_read_a_page_at_a_time_by_its_next_link()
    {
        using var study = await IngestionScenario.StartAsync(_api);
        await (await study.UploadAsync(study.Event())).ShouldBeAsync(HttpStatusCode.Accepted);
        await study.ExportWhenStoredAsync(1);
        for (var i = 0; i < 3; i++)
        {
            await study.ExportAsync();
        }
        var all = await (await _api.Operator.GetAsync($"/v1/studies/{study.StudyId}/audit")).Content.ReadFromJsonAsync<JsonArray>();

        // Each export is audited, those waiting for the upload too: the log holds at least four entries.
        var size = all!.Count - 1;
        var first = await _api.Operator.GetAsync($"/v1/studies/{study.StudyId}/audit?limit={size}");
        var firstPage = await first.Content.ReadFromJsonAsync<JsonArray>();
        var link = Assert.Single(first.Headers.GetValues("Link"));
        var nextPath = link[1..link.IndexOf('>', StringComparison.Ordinal)];
        var second = await _api.Operator.GetAsync(nextPath);
        var secondPage = await second.Content.ReadFromJsonAsync<JsonArray>();

        Assert.Equal(size, firstPage!.Count);
        Assert.Single(secondPage!);
        Assert.False(second.Headers.Contains("Link"));
        Assert.Equal(all.Select(e => e!.ToJsonString()), firstPage.Concat(secondPage!).Select(e => e!.ToJsonString()));
        await (await _api.Operator.GetAsync($"/v1/studies/{study.StudyId}/audit?after=-1")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-request");
        await (await _api.Operator.GetAsync($"/v1/studies/{study.StudyId}/audit?limit=1001")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-request");
    }
}
