using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Rally.Tests.Infrastructure;

namespace Rally.Tests.Operations;

/// <summary>The Orleans dashboard is served at /dashboard/ to operators only, and never shows stored grain state.</summary>
[Collection(EmbeddedApiCollection.Name)]
public sealed class DashboardTests(EmbeddedApiFixture fixture)
{
    private static AuthenticationHeaderValue Basic(string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("operator:" + password)));

    [Fact]
    public async Task Without_the_operator_key_the_browser_is_asked_for_it()
    {
        using var anonymous = fixture.Api.CreateClient();
        var response = await anonymous.GetAsync(new Uri("/dashboard/", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Basic", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Fact]
    public async Task Participants_and_wrong_keys_are_refused()
    {
        using var anonymous = fixture.Api.CreateClient();
        var join = await anonymous.PostAsJsonAsync("/v1/participants", RallyApi.JoinBody());
        var token = (string)(await join.Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonObject>())!["token"]!;

        using var participant = fixture.Api.CreateClient(token);
        Assert.Equal(HttpStatusCode.Unauthorized, (await participant.GetAsync(new Uri("/dashboard/ClusterStats", UriKind.Relative))).StatusCode);
        using var wrong = fixture.Api.CreateClient();
        wrong.DefaultRequestHeaders.Authorization = Basic("not-the-operator-key-at-all");
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.GetAsync(new Uri("/dashboard/ClusterStats", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task Operators_get_the_pages_and_the_cluster_figures()
    {
        using var browser = fixture.Api.CreateClient();
        browser.DefaultRequestHeaders.Authorization = Basic(TestSecrets.OperatorKey);

        var page = await browser.GetAsync(new Uri("/dashboard/", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var stats = await browser.GetAsync(new Uri("/dashboard/ClusterStats", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, stats.StatusCode);
        Assert.Equal("application/json", stats.Content.Headers.ContentType?.MediaType);

        using var bearer = fixture.Api.CreateClient(TestSecrets.OperatorKey);
        Assert.Equal(HttpStatusCode.OK, (await bearer.GetAsync(new Uri("/dashboard/version", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task Stored_grain_state_is_not_shown_even_to_operators()
    {
        using var browser = fixture.Api.CreateClient();
        browser.DefaultRequestHeaders.Authorization = Basic(TestSecrets.OperatorKey);

        var response = await browser.GetAsync(new Uri($"/dashboard/GrainState?grainId={Guid.NewGuid()}&grainType=participant", UriKind.Relative));

        await response.ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-found");
    }
}
