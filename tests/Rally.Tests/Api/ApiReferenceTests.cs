using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Rally.Api.Hosting;
using Rally.Api.Problems;
using Rally.Tests.Infrastructure;

namespace Rally.Tests.Api;

/// <summary>The OpenAPI document and the reference rendered from it read as the API's manual.</summary>
[Collection(ApiCollection.Name)]
public sealed class ApiReferenceTests(ApiFixture fixture)
{
    private static readonly string[] HttpMethods = ["get", "put", "post", "delete", "patch", "head", "options", "trace"];

    private readonly RallyApi _api = new(fixture);

    [Fact]
    public async Task The_document_introduces_Rally_and_its_three_credentials()
    {
        var document = await DocumentAsync();
        var info = document["info"]!;
        var introduction = (string?)info["description"] ?? "";

        Assert.Equal("Rally API", (string?)info["title"]);
        Assert.Equal("v1", (string?)info["version"]);
        Assert.False(string.IsNullOrWhiteSpace((string?)info["license"]?["name"]));
        Assert.Equal("Rally operators", (string?)info["contact"]?["name"]);
        foreach (var mention in new[]
        {
            "rp_", "POST /v1/participants", "rr_", "POST /v1/partners/{partnerId}/researchers", "Rally:OperatorKey",
            "Authorization: Bearer", "/hubs/notices", "access_token", "application/problem+json", "docs/api.md",
        })
        {
            Assert.Contains(mention, introduction, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Every_problem_type_is_listed_with_its_status_in_the_introduction()
    {
        var introduction = (string?)(await DocumentAsync())["info"]!["description"] ?? "";
        var types = ProblemTypes.All;

        Assert.NotEmpty(types);
        Assert.All(types, type => Assert.True(introduction.Contains($"| `{type.Slug}` | {type.Status} |", StringComparison.Ordinal),
            $"The introduction's table of problems has no row for '{type.Slug}' ({type.Status})."));
    }

    [Fact]
    public async Task The_document_lists_every_route()
    {
        var paths = (await DocumentAsync())["paths"]!.AsObject().Select(p => p.Key).ToHashSet();

        foreach (var path in new[]
        {
            "/v1/platform", "/v1/participants", "/v1/me", "/v1/me/profile", "/v1/me/enrollments", "/v1/me/enrollments/{studyId}",
            "/v1/me/deletions/{deletionId}", "/v1/studies/{studyId}/demographics", "/v1/studies", "/v1/studies/{studyId}", "/v1/studies/{studyId}/consent",
            "/v1/studies/{studyId}/launch", "/v1/studies/{studyId}/pause", "/v1/studies/{studyId}/resume", "/v1/studies/{studyId}/announce-end", "/v1/studies/{studyId}/end",
            "/v1/studies/{studyId}/complete-analysis", "/v1/partners", "/v1/partners/{partnerId}/researchers",
            "/v1/partners/{partnerId}/researchers/{researcherId}", "/v1/partners/{partnerId}/researchers/{researcherId}/rotate",
            "/v1/partners/{partnerId}/suspend", "/v1/partners/{partnerId}/reinstate", "/v1/me/token",
            "/health/live", "/health/ready",
        })
        {
            Assert.Contains(path, paths);
        }
    }

    [Fact]
    public async Task Every_operation_has_a_summary_a_description_and_its_own_operation_id()
    {
        var operations = Operations(await DocumentAsync()).ToArray();

        Assert.NotEmpty(operations);
        Assert.All(operations, o =>
        {
            Assert.False(string.IsNullOrWhiteSpace((string?)o.Operation["summary"]), $"{o.Name} has no summary");
            Assert.False(string.IsNullOrWhiteSpace((string?)o.Operation["description"]), $"{o.Name} has no description");
            Assert.False(string.IsNullOrWhiteSpace((string?)o.Operation["operationId"]), $"{o.Name} has no operationId");
        });
        var duplicates = operations.GroupBy(o => (string?)o.Operation["operationId"]).Where(g => g.Count() > 1).Select(g => g.Key);
        Assert.Empty(duplicates);
    }

    [Fact]
    public async Task Every_tag_in_use_is_described()
    {
        var document = await DocumentAsync();
        var described = document["tags"]!.AsArray()
            .Where(t => !string.IsNullOrWhiteSpace((string?)t!["description"]))
            .Select(t => (string?)t!["name"])
            .ToHashSet();

        var used = Operations(document).SelectMany(o => o.Operation["tags"]?.AsArray() ?? []).Select(t => (string?)t).ToHashSet();

        Assert.NotEmpty(used);
        Assert.All(used, tag => Assert.True(described.Contains(tag), $"Tag '{tag}' has no description."));
    }

    [Theory]
    [InlineData("/v1/participants")]
    [InlineData("/v1/me/enrollments")]
    [InlineData("/v1/studies")]
    [InlineData("/v1/studies/{studyId}/events")]
    public async Task The_main_request_bodies_show_an_example(string path)
    {
        var media = (await DocumentAsync())["paths"]![path]!["post"]!["requestBody"]!["content"]!["application/json"]!;

        Assert.True(media["example"] is not null || media["examples"]?.AsObject().Count > 0, $"POST {path} shows no example body.");
    }

    [Fact]
    public async Task The_request_examples_are_accepted_as_they_stand()
    {
        var partner = await _api.NewPartnerAsync();
        var studyId = await RallyApi.DraftAsync(partner.Researcher, Example(ApiExamples.DraftStudy));
        await _api.MoveAsync(studyId, "launch");

        var joined = await (await _api.Anonymous.PostAsJsonAsync("/v1/participants", Example(ApiExamples.Join))).ShouldBeAsync(HttpStatusCode.Created);
        using var participant = _api.WithToken((string)joined["token"]!);
        var enroll = Example(ApiExamples.Enroll);
        enroll["studyId"] = studyId;
        await (await participant.PostAsJsonAsync("/v1/me/enrollments", enroll)).ShouldBeAsync(HttpStatusCode.Created);
        var sharing = await (await participant.PatchAsJsonAsync($"/v1/me/enrollments/{studyId}", Example(ApiExamples.Sharing))).ShouldBeAsync(HttpStatusCode.OK);
        Assert.True((bool?)sharing["shareDemographics"]);
        var upload = await (await participant.PostAsJsonAsync($"/v1/studies/{studyId}/events", Example(ApiExamples.Upload)))
            .ShouldBeAsync(HttpStatusCode.Accepted);

        Assert.Equal(2, (int?)upload["accepted"]);
        Assert.Equal(0, (int?)upload["duplicates"]);
    }

    [Fact]
    public async Task The_document_says_which_routes_need_a_bearer_credential_and_which_need_none()
    {
        var document = await DocumentAsync();

        Assert.Equal("bearer", (string?)document["components"]!["securitySchemes"]!["bearer"]!["scheme"]);
        Assert.NotEmpty(document["paths"]!["/v1/me"]!["get"]!["security"]!.AsArray());
        Assert.Empty(document["paths"]!["/v1/platform"]!["get"]!["security"]!.AsArray());
        Assert.Empty(document["paths"]!["/health/ready"]!["get"]!["security"]!.AsArray());
        Assert.All(Operations(document), o => Assert.True(o.Operation["security"] is JsonArray, $"{o.Name} does not declare its security."));
    }

    [Fact]
    public async Task The_api_reference_is_browsable()
    {
        using var client = fixture.Factory.CreateClient();

        var response = await client.GetAsync("/scalar/v1");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
    }

    private async Task<JsonObject> DocumentAsync()
    {
        using var client = fixture.Factory.CreateClient();
        return await (await client.GetAsync("/openapi/v1.json")).ShouldBeAsync(HttpStatusCode.OK);
    }

    private static IEnumerable<(string Name, JsonNode Operation)> Operations(JsonObject document) =>
        from path in document["paths"]!.AsObject()
        from entry in path.Value!.AsObject()
        where HttpMethods.Contains(entry.Key)
        select ($"{entry.Key.ToUpperInvariant()} {path.Key}", entry.Value!);

    private static JsonObject Example(ApiExample example) => JsonNode.Parse(example.Json)!.AsObject();
}
