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
    public async Task Unknown_routes_and_methods_are_problems()
    {
        await (await _api.Anonymous.GetAsync("/v1/nothing-here")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-found");
        await (await _api.Anonymous.DeleteAsync("/v1/platform")).ShouldBeProblemAsync(HttpStatusCode.MethodNotAllowed, "method-not-allowed");
    }
}
