using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Rally.Tests.Infrastructure;

namespace Rally.Tests.Privacy;

/// <summary>
/// Differentially private releases through the API: a study's researchers publish them, anyone reads them, each says
/// its mechanism, ε, δ, noise and contribution bound over every cell of its domain, and the study's privacy budget
/// (default ε 3.0) refuses what would pass it.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class ReleaseTests(ApiFixture fixture)
{
    private readonly RallyApi _api = new(fixture);

    private static Task<HttpResponseMessage> ReleaseAsync(HttpClient client, string studyId, object epsilon, int? eventsPerParticipant = null)
    {
        var body = new JsonObject { ["epsilon"] = JsonValue.Create(epsilon) };
        if (eventsPerParticipant is { } bound)
        {
            body["eventsPerParticipant"] = bound;
        }
        return client.PostAsJsonAsync($"/v1/studies/{studyId}/releases", body);
    }

    private async Task<JsonArray> ListAsync(string studyId) =>
        (await _api.Anonymous.GetFromJsonAsync<JsonArray>($"/v1/studies/{studyId}/releases"))!;

    [Fact]
    public async Task A_release_states_its_noise_and_bound_and_covers_every_cell_of_its_domain()
    {
        using var study = await IngestionScenario.StartAsync(_api);
        await (await study.UploadAsync(study.Event(), study.Event("search"), study.Event())).ShouldBeAsync(HttpStatusCode.Accepted);
        await study.ExportWhenStoredAsync(3);

        var release = await (await ReleaseAsync(study.Partner.Researcher, study.StudyId, 1.5, eventsPerParticipant: 20)).ShouldBeAsync(HttpStatusCode.Created);

        Assert.Equal("discrete-laplace", (string?)release["mechanism"]);
        Assert.Equal(1.5m, (decimal)release["epsilon"]!);
        Assert.Equal(0m, (decimal)release["delta"]!);
        Assert.Equal(1, (int)release["number"]!);
        Assert.Equal(20, (int)release["contributionBound"]!["eventsPerParticipant"]!);
        Assert.Contains("earliest", (string?)release["contributionBound"]!["method"], StringComparison.Ordinal);
        Assert.Equal(3.0m, (decimal)release["budget"]!["studyBudget"]!);
        Assert.Equal(1.5m, (decimal)release["budget"]!["spent"]!);

        // ε split across the three figures, each with its sensitivity and the scale sensitivity/ε.
        var noise = release["noise"]!.AsObject();
        Assert.Equal(1.5m, noise.Sum(f => (decimal)f.Value!["epsilon"]!));
        Assert.Equal(1, (long)noise["enrolled"]!["sensitivity"]!);
        Assert.Equal(20, (long)noise["eventsByType"]!["sensitivity"]!);
        Assert.Equal(20, (long)noise["eventsByDay"]!["sensitivity"]!);
        foreach (var (_, figure) in noise)
        {
            Assert.Equal((double)((long)figure!["sensitivity"]! / (decimal)figure["epsilon"]!), (double)figure["scale"]!, 9);
            Assert.True((double)figure["standardDeviation"]! > 0);
        }

        // Every declared type and every day since launch, zeros included.
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        Assert.Equal(["page-visit", "search"], release["domain"]!["types"]!.AsArray().Select(t => (string)t!));
        Assert.Equal(today, (string?)release["domain"]!["lastDay"]);
        Assert.Equal(["page-visit", "search"], release["eventsByType"]!.AsObject().Select(p => p.Key));
        Assert.Equal([today], release["eventsByDay"]!.AsObject().Select(p => p.Key));
        Assert.IsType<long>((long)release["enrolled"]!);

        // Published for anyone, as stored.
        var listed = Assert.Single(await ListAsync(study.StudyId))!;
        Assert.Equal(release.ToJsonString(), listed.ToJsonString());
    }

    [Fact]
    public async Task The_privacy_budget_refuses_a_release_that_would_pass_it_and_stores_nothing()
    {
        var (studyId, partner) = await _api.EnrollingStudyAsync();
        await (await ReleaseAsync(partner.Researcher, studyId, 2)).ShouldBeAsync(HttpStatusCode.Created);

        var refused = await (await ReleaseAsync(partner.Researcher, studyId, 1.5)).ShouldBeProblemAsync(HttpStatusCode.Conflict, "privacy-budget-exhausted");
        Assert.Contains("1 left", (string?)refused["detail"], StringComparison.Ordinal);
        Assert.Single(await ListAsync(studyId));

        // Exactly what is left is still allowed (ε adds up exactly), and then nothing more, operators included.
        await (await ReleaseAsync(_api.Operator, studyId, 1)).ShouldBeAsync(HttpStatusCode.Created);
        await (await ReleaseAsync(partner.Researcher, studyId, 0.01)).ShouldBeProblemAsync(HttpStatusCode.Conflict, "privacy-budget-exhausted");
        var releases = await ListAsync(studyId);
        Assert.Equal([2, 1], releases.Select(r => (int)r!["number"]!));
        Assert.Equal(3.0m, (decimal)releases[0]!["budget"]!["spent"]!);
    }

    [Fact]
    public async Task Thirty_releases_of_a_tenth_spend_the_budget_exactly()
    {
        var (studyId, partner) = await _api.EnrollingStudyAsync();
        for (var i = 0; i < 30; i++)
        {
            await (await ReleaseAsync(partner.Researcher, studyId, 0.1)).ShouldBeAsync(HttpStatusCode.Created);
        }
        await (await ReleaseAsync(partner.Researcher, studyId, 0.01)).ShouldBeProblemAsync(HttpStatusCode.Conflict, "privacy-budget-exhausted");

        // Read a page at a time, newest first.
        var first = await _api.Anonymous.GetAsync($"/v1/studies/{studyId}/releases?limit=25");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(Enumerable.Range(6, 25).Reverse(), (await first.Content.ReadFromJsonAsync<JsonArray>())!.Select(r => (int)r!["number"]!));
        var next = first.Headers.GetValues("Link").Single();
        Assert.Contains("after=6&limit=25", next, StringComparison.Ordinal);
        var rest = await _api.Anonymous.GetFromJsonAsync<JsonArray>($"/v1/studies/{studyId}/releases?after=6&limit=25");
        Assert.Equal([5, 4, 3, 2, 1], rest!.Select(r => (int)r!["number"]!));
    }

    [Fact]
    public async Task A_study_publishes_at_most_a_hundred_releases_whatever_its_budget()
    {
        var (studyId, partner) = await _api.EnrollingStudyAsync();
        for (var i = 0; i < 100; i++)
        {
            await (await ReleaseAsync(partner.Researcher, studyId, 0.01)).ShouldBeAsync(HttpStatusCode.Created);
        }
        await (await ReleaseAsync(partner.Researcher, studyId, 0.01)).ShouldBeProblemAsync(HttpStatusCode.Conflict, "limit-reached");
        var newest = await _api.Anonymous.GetFromJsonAsync<JsonArray>($"/v1/studies/{studyId}/releases?limit=1");
        Assert.Equal(100, (int)newest![0]!["number"]!);
        Assert.Equal(1.00m, (decimal)newest[0]!["budget"]!["spent"]!);
    }

    [Theory]
    [InlineData("""{"epsilon":0}""")]
    [InlineData("""{"epsilon":-1}""")]
    [InlineData("""{"epsilon":10.5}""")]
    [InlineData("""{"epsilon":0.001}""")]
    [InlineData("""{"epsilon":0.1234567}""")]
    [InlineData("""{"epsilon":1e400}""")]
    [InlineData("""{"epsilon":"NaN"}""")]
    [InlineData("""{"epsilon":"Infinity"}""")]
    [InlineData("""{"epsilon":null}""")]
    [InlineData("""{}""")]
    [InlineData("""{"epsilon":1,"eventsPerParticipant":0}""")]
    [InlineData("""{"epsilon":1,"eventsPerParticipant":10001}""")]
    [InlineData("""{"epsilon":1,"delta":0.1}""")]
    public async Task A_bad_epsilon_is_refused_and_spends_nothing(string body)
    {
        var (studyId, partner) = await _api.EnrollingStudyAsync();
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        await (await partner.Researcher.PostAsync($"/v1/studies/{studyId}/releases", content)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-request");
        Assert.Empty(await ListAsync(studyId));
        // The whole budget is still there.
        await (await ReleaseAsync(partner.Researcher, studyId, 3)).ShouldBeAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Only_the_study_s_researchers_and_operators_publish_and_anyone_reads()
    {
        var (studyId, partner) = await _api.EnrollingStudyAsync();
        var stranger = await _api.NewPartnerAsync("Other Lab");
        var participant = await _api.JoinAsync();

        await (await ReleaseAsync(stranger.Researcher, studyId, 1)).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-found");
        await (await ReleaseAsync(participant.Client, studyId, 1)).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await ReleaseAsync(_api.Anonymous, studyId, 1)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Empty(await ListAsync(studyId));

        await (await ReleaseAsync(partner.Researcher, studyId, 1)).ShouldBeAsync(HttpStatusCode.Created);
        foreach (var reader in new[] { _api.Anonymous, participant.Client, stranger.Researcher })
        {
            Assert.Single((await (await reader.GetAsync($"/v1/studies/{studyId}/releases")).Content.ReadFromJsonAsync<JsonArray>())!);
        }
    }

    [Fact]
    public async Task A_draft_has_no_releases_and_shows_none()
    {
        var partner = await _api.NewPartnerAsync();
        var draft = await RallyApi.DraftAsync(partner.Researcher);
        await (await ReleaseAsync(partner.Researcher, draft, 1)).ShouldBeProblemAsync(HttpStatusCode.Conflict, "invalid-transition");
        await (await _api.Anonymous.GetAsync($"/v1/studies/{draft}/releases")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-found");
        Assert.Empty((await (await partner.Researcher.GetAsync($"/v1/studies/{draft}/releases")).Content.ReadFromJsonAsync<JsonArray>())!);
    }

    [Fact]
    public async Task Releases_stay_published_once_the_data_is_deleted_and_no_new_one_is_made()
    {
        var (studyId, partner) = await _api.EnrollingStudyAsync();
        await (await ReleaseAsync(partner.Researcher, studyId, 1)).ShouldBeAsync(HttpStatusCode.Created);
        await _api.MoveAsync(studyId, "end");
        // An ended study's figures are still there to release: its days run up to the end.
        var ended = await (await ReleaseAsync(partner.Researcher, studyId, 1)).ShouldBeAsync(HttpStatusCode.Created);
        Assert.Equal(DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), (string?)ended["domain"]!["lastDay"]);
        await _api.MoveAsync(studyId, "complete-analysis");

        var refused = await (await ReleaseAsync(partner.Researcher, studyId, 0.5)).ShouldBeProblemAsync(HttpStatusCode.Conflict, "invalid-transition");
        Assert.Contains("raw data deleted", (string?)refused["detail"], StringComparison.Ordinal);
        Assert.Equal(2, (await ListAsync(studyId)).Count);
    }
}
