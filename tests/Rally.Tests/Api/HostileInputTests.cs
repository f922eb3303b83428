using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Rally.Tests.Infrastructure;

namespace Rally.Tests.Api;

/// <summary>
/// Requests a fuzz run found answered with 500, and the loose edges of input checking: each now gets a 4xx problem.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class HostileInputTests(ApiFixture fixture)
{
    private static readonly string JoinJson = System.Text.Json.JsonSerializer.Serialize(RallyApi.JoinBody());

    private readonly RallyApi _api = new(fixture);

    [Fact]
    public async Task The_requests_that_answered_500_get_4xx_problems()
    {
        // A refusal to a client that does not accept JSON (here the export client's own Accept header).
        using var ndjson = new HttpRequestMessage(HttpMethod.Get, "/v1/me");
        ndjson.Headers.Accept.ParseAdd("application/x-ndjson");
        await (await _api.Anonymous.SendAsync(ndjson)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");

        // A charset no encoding has.
        using var nonsense = new StringContent(JoinJson, Encoding.UTF8);
        nonsense.Headers.ContentType = MediaTypeHeaderValue.Parse("application/json; charset=nonsense");
        var join = await _api.Anonymous.PostAsync("/v1/participants", nonsense);
        Assert.InRange((int)join.StatusCode, 400, 415);
        await join.ShouldBeProblemAsync(join.StatusCode, join.StatusCode == HttpStatusCode.BadRequest ? "invalid-request" : "unsupported-media-type");

        // Study ids that are blank or end in a newline, which no grain may be keyed by.
        foreach (var id in new[] { "%20", "%0A", "abc%0A", "%09abc" })
        {
            var consent = await _api.Operator.PutAsJsonAsync($"/v1/studies/{id}/consent", new { consentVersion = "2" });
            await consent.ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-found");
        }
    }

    [Theory]
    [InlineData("text/html")]
    [InlineData("application/xml")]
    [InlineData("application/x-ndjson")]
    [InlineData("text/plain; q=1, */*; q=0")]
    public async Task Every_refusal_is_problem_json_whatever_the_client_accepts(string accept)
    {
        var participant = await _api.JoinAsync();
        var partner = await _api.NewPartnerAsync();
        var refusals = new (Func<HttpClient> Client, HttpMethod Method, string Path, HttpStatusCode Status, string Slug)[]
        {
            (() => _api.Anonymous, HttpMethod.Get, "/v1/me", HttpStatusCode.Unauthorized, "unauthorized"),
            (() => participant.Client, HttpMethod.Get, "/v1/partners/" + partner.Id, HttpStatusCode.Forbidden, "forbidden"),
            (() => _api.Anonymous, HttpMethod.Get, "/v1/studies/no-such-study-here", HttpStatusCode.NotFound, "not-found"),
            (() => participant.Client, HttpMethod.Get, "/v1/me/profile", HttpStatusCode.NotFound, "not-found"),
            (() => _api.Anonymous, HttpMethod.Get, "/v1/nothing-here", HttpStatusCode.NotFound, "not-found"),
        };
        foreach (var (client, method, path, status, slug) in refusals)
        {
            using var request = new HttpRequestMessage(method, path);
            request.Headers.TryAddWithoutValidation("Accept", accept);
            await (await client().SendAsync(request)).ShouldBeProblemAsync(status, slug);
        }
    }

    [Theory]
    [InlineData("application/json; charset=nonsense")]
    [InlineData("application/json; charset=utf-16")]
    [InlineData("application/json; charset=")]
    [InlineData("application/json; ===")]
    [InlineData("application/json;charset=\"utf-8")]
    [InlineData("application/json; charset=\"utf-8\"")]
    public async Task A_malformed_or_unknown_content_type_or_charset_is_unsupported(string contentType)
    {
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(JoinJson));
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        await (await _api.Anonymous.PostAsync("/v1/participants", content)).ShouldBeProblemAsync(HttpStatusCode.UnsupportedMediaType, "unsupported-media-type");
    }

    [Fact]
    public async Task A_charset_of_utf_8_or_none_is_accepted()
    {
        foreach (var contentType in new[] { "application/json; charset=utf-8", "application/json; charset=UTF-8", "application/json" })
        {
            using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(JoinJson));
            content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            await (await _api.Anonymous.PostAsync("/v1/participants", content)).ShouldBeAsync(HttpStatusCode.Created);
        }
    }

    [Fact]
    public async Task Leaving_a_study_whose_id_is_blank_or_ends_in_a_newline_is_not_enrolled()
    {
        var participant = await _api.JoinAsync();
        foreach (var id in new[] { "%20", "%0A", "abc%0A" })
        {
            await (await participant.Client.DeleteAsync($"/v1/me/enrollments/{id}")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-enrolled");
        }
        foreach (var id in new[] { " ", "abc\n", "\n" })
        {
            await (await RallyApi.EnrollAsync(participant, id)).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-found");
        }
    }

    [Fact]
    public async Task A_type_ending_in_a_newline_is_refused_when_declared_and_when_uploaded()
    {
        var partner = await _api.NewPartnerAsync();
        var card = RallyApi.StudyCard(edit: c => c["dataCollected"]!.AsArray().Add(new JsonObject { ["type"] = "click\n", ["description"] = "Clicks" }));
        var draft = await (await partner.Researcher.PostAsJsonAsync("/v1/studies", card)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-request");
        Assert.Contains("dataCollected", draft["errors"]!.ToJsonString(), StringComparison.Ordinal);

        using var scenario = await IngestionScenario.StartAsync(_api);
        await (await scenario.UploadAsync(scenario.Event(type: "page-visit\n"))).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-event");
    }

    [Fact]
    public async Task A_long_value_is_echoed_truncated()
    {
        using var scenario = await IngestionScenario.StartAsync(_api);
        var type = new string('x', 400_000);
        var problem = await (await scenario.UploadAsync(scenario.Event(type: type))).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-event");
        var detail = (string)problem["detail"]!;
        Assert.DoesNotContain(new string('x', 101), detail, StringComparison.Ordinal);
        Assert.Contains(new string('x', 100) + "…", detail, StringComparison.Ordinal);

        var property = "p" + new string('q', 400_000);
        var unknown = await (await _api.Anonymous.PostJsonTextAsync("/v1/participants", $$"""{"{{property}}": 1}"""))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-request");
        Assert.True(((string)unknown["detail"]!).Length < 400, (string)unknown["detail"]!);
    }

    [Theory]
    [InlineData("2019-12-31T23:59:59Z")]
    [InlineData("0001-01-01T00:00:00Z")]
    public async Task A_collection_time_before_2020_is_refused(string collectedAt)
    {
        using var scenario = await IngestionScenario.StartAsync(_api);
        var e = scenario.Event();
        e["collectedAt"] = collectedAt;
        var problem = await (await scenario.UploadAsync(e)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-event");
        Assert.Contains("collectedAt", (string)problem["detail"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_collection_time_more_than_a_day_ahead_is_refused()
    {
        using var scenario = await IngestionScenario.StartAsync(_api);
        var e = scenario.Event();
        e["collectedAt"] = DateTimeOffset.UtcNow.AddDays(1).AddHours(1).ToString("O");
        await (await scenario.UploadAsync(e)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-event");
    }
}
