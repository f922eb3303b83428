using System.Net;
using Rally.Tests.Infrastructure;

namespace Rally.Tests.Api;

[Collection(ApiCollection.Name)]
public sealed class OperabilityTests(ApiFixture fixture)
{
    private readonly RallyApi _api = new(fixture);

    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    public async Task Health_endpoints_answer_healthy(string path)
    {
        var response = await _api.Anonymous.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_openapi_document_lists_every_v1_route()
    {
        var document = await (await _api.Anonymous.GetAsync("/openapi/v1.json")).ShouldBeAsync(HttpStatusCode.OK);
        var paths = document["paths"]!.AsObject().Select(p => p.Key).ToHashSet();

        foreach (var path in new[]
        {
            "/v1/platform", "/v1/participants", "/v1/me", "/v1/me/profile", "/v1/me/enrollments", "/v1/me/enrollments/{studyId}",
            "/v1/me/deletions/{deletionId}", "/v1/studies", "/v1/studies/{studyId}", "/v1/studies/{studyId}/consent",
            "/v1/studies/{studyId}/launch", "/v1/studies/{studyId}/announce-end", "/v1/studies/{studyId}/end",
            "/v1/studies/{studyId}/complete-analysis", "/v1/partners", "/v1/partners/{partnerId}/researchers",
        })
        {
            Assert.Contains(path, paths);
        }
    }

    [Fact]
    public async Task The_openapi_document_says_which_routes_need_a_bearer_credential()
    {
        var document = await (await _api.Anonymous.GetAsync("/openapi/v1.json")).ShouldBeAsync(HttpStatusCode.OK);

        Assert.Equal("bearer", (string?)document["components"]!["securitySchemes"]!["bearer"]!["scheme"]);
        Assert.NotNull(document["paths"]!["/v1/me"]!["get"]!["security"]);
        Assert.Null(document["paths"]!["/v1/platform"]!["get"]!["security"]);
    }

    [Fact]
    public async Task The_api_reference_is_browsable()
    {
        var response = await _api.Anonymous.GetAsync("/scalar/v1");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Unknown_routes_and_methods_are_problems()
    {
        await (await _api.Anonymous.GetAsync("/v1/nothing-here")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-found");
        await (await _api.Anonymous.DeleteAsync("/v1/platform")).ShouldBeProblemAsync(HttpStatusCode.MethodNotAllowed, "method-not-allowed");
    }
}
