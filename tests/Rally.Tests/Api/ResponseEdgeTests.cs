using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Rally.Api.Page;
using Rally.Tests.Infrastructure;

namespace Rally.Tests.Api;

/// <summary>What every answer carries, or leaves out, now that Rally is open to the internet; and who may call it from a browser.</summary>
[Collection(ApiCollection.Name)]
public sealed class ResponseEdgeTests(ApiFixture fixture)
{
    private const string AddOnOrigin = "moz-extension://4f9c2a7e-1b3d-4c08-9a6e-2d7f5b1c3e90";

    private readonly RallyApi _api = new(fixture);

    [Fact]
    public async Task Every_answer_forbids_sniffing_and_names_no_server()
    {
        foreach (var response in new[]
        {
            await _api.Anonymous.GetAsync("/v1/platform"),
            await _api.Anonymous.GetAsync("/v1/me"),
            await _api.Anonymous.GetAsync("/openapi/v1.json"),
            await _api.Anonymous.GetAsync("/nothing-here"),
        })
        {
            Assert.Equal(["nosniff"], response.Headers.GetValues("X-Content-Type-Options"));
            Assert.False(response.Headers.Contains("Server"), $"{response.RequestMessage!.RequestUri}: Server {response.Headers.Server}");
        }
    }

    [Fact]
    public async Task The_participant_page_runs_only_its_own_files_and_is_revalidated_on_each_load()
    {
        foreach (var path in new[] { "/", "/index.html", "/page/app.js", "/page/style.css" })
        {
            var response = await _api.Anonymous.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode}");
            Assert.Equal([ParticipantPageExtensions.ContentSecurityPolicy], response.Headers.GetValues("Content-Security-Policy"));
            Assert.DoesNotContain("unsafe-", ParticipantPageExtensions.ContentSecurityPolicy, StringComparison.Ordinal);
            Assert.True(response.Headers.CacheControl is { NoCache: true, NoStore: false }, $"{path}: {response.Headers.CacheControl}");
            Assert.Equal(["DENY"], response.Headers.GetValues("X-Frame-Options"));
            Assert.Equal(["no-referrer"], response.Headers.GetValues("Referrer-Policy"));
            Assert.Equal(["nosniff"], response.Headers.GetValues("X-Content-Type-Options"));
            Assert.NotNull(response.Headers.ETag);
        }
        var page = await _api.Anonymous.GetAsync("/");
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);

        // Revalidating costs a 304 and no body.
        using var again = new HttpRequestMessage(HttpMethod.Get, "/page/app.js");
        again.Headers.IfNoneMatch.Add((await _api.Anonymous.GetAsync("/page/app.js")).Headers.ETag!);
        Assert.Equal(HttpStatusCode.NotModified, (await _api.Anonymous.SendAsync(again)).StatusCode);

        // The API's own answers are not the page's: no page policy, and still never stored.
        var api = await _api.Anonymous.GetAsync("/v1/platform");
        Assert.False(api.Headers.Contains("Content-Security-Policy"));
        Assert.True(api.Headers.CacheControl?.NoStore);
    }

    [Fact]
    public async Task Answers_carrying_secrets_or_personal_data_are_not_stored()
    {
        var joined = await _api.Anonymous.PostAsJsonAsync("/v1/participants", RallyApi.JoinBody());
        Assert.Equal(HttpStatusCode.Created, joined.StatusCode);
        Assert.True(joined.Headers.CacheControl?.NoStore, "the join answer carries the participant's token");

        var participant = await _api.JoinAsync();
        var partner = await _api.NewPartnerAsync();
        foreach (var response in new[]
        {
            await participant.Client.GetAsync("/v1/me"),
            await participant.Client.GetAsync("/v1/me/profile"),
            await _api.Operator.PostAsJsonAsync($"/v1/partners/{partner.Id}/researchers", new { name = "Dr. Key" }),
            await _api.Anonymous.GetAsync("/v1/me"),
        })
        {
            Assert.True(response.Headers.CacheControl?.NoStore, $"{response.RequestMessage!.RequestUri}: {response.Headers.CacheControl}");
        }
    }

    [Fact]
    public async Task Browsers_may_call_from_no_origin_by_default()
    {
        using var preflight = Preflight("/v1/me");
        var response = await _api.Anonymous.SendAsync(preflight);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
        Assert.False(response.Headers.Contains("Access-Control-Allow-Headers"));
    }

    [Fact]
    public async Task An_add_on_of_an_allowed_scheme_may_call_from_its_own_origin()
    {
        await using var front = RallyApiFactory.Start(fixture.Cluster, new Dictionary<string, string?>
        {
            ["Rally:Cors:AllowedOrigins:0"] = "moz-extension://*",
            ["Rally:Cors:AllowedOrigins:1"] = "https://rally.example",
        });
        var api = new RallyApi(front);

        using var preflight = Preflight("/v1/studies/any-study/events");
        var response = await api.Anonymous.SendAsync(preflight);
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}");
        Assert.Equal([AddOnOrigin], response.Headers.GetValues("Access-Control-Allow-Origin"));
        var allowed = string.Join(",", response.Headers.GetValues("Access-Control-Allow-Headers")).ToLowerInvariant();
        Assert.Contains("authorization", allowed, StringComparison.Ordinal);
        Assert.Contains("content-type", allowed, StringComparison.Ordinal);
        Assert.Contains("POST", string.Join(",", response.Headers.GetValues("Access-Control-Allow-Methods")), StringComparison.Ordinal);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Credentials"));

        // The real request: its answer names the origin and shows a client Retry-After, nothing else.
        using var get = new HttpRequestMessage(HttpMethod.Get, "/v1/platform");
        get.Headers.Add("Origin", AddOnOrigin);
        var answer = await api.Anonymous.SendAsync(get);
        Assert.Equal([AddOnOrigin], answer.Headers.GetValues("Access-Control-Allow-Origin"));
        Assert.Equal(["Retry-After"], answer.Headers.GetValues("Access-Control-Expose-Headers"));

        foreach (var other in new[] { "chrome-extension://abcdefghijklmnopabcdefghijklmnop", "https://evil.example", "moz-extension:/x" })
        {
            using var refused = Preflight("/v1/me", other);
            Assert.False((await api.Anonymous.SendAsync(refused)).Headers.Contains("Access-Control-Allow-Origin"), other);
        }
        using var exact = Preflight("/v1/me", "https://rally.example");
        Assert.Equal(["https://rally.example"], (await api.Anonymous.SendAsync(exact)).Headers.GetValues("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task A_path_cannot_forge_a_log_line()
    {
        var logs = new CapturedLogs();
        await using var front = RallyApiFactory.Start(fixture.Cluster, services: s => s.AddLogging(l => l.AddProvider(logs).AddFilter<CapturedLogs>(null, LogLevel.Debug)));
        var api = new RallyApi(front);
        const string forged = "Error Rally.Api[1] forged";
        var path = "/v1/studies/x%0D%0A" + Uri.EscapeDataString(forged) + "/stats";

        await (await api.Operator.GetAsync(path)).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-found");
        await (await api.Operator.GetAsync("/v1/nothing%0A" + Uri.EscapeDataString(forged))).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-found");

        var mentions = logs.Entries.Where(e => e.Contains(forged, StringComparison.Ordinal)).ToArray();
        Assert.NotEmpty(mentions);
        Assert.All(mentions, e => Assert.DoesNotContain("\n" + forged, e, StringComparison.Ordinal));
        Assert.Contains(mentions, e => e.Contains(@"\n" + forged, StringComparison.Ordinal));
    }

    private static HttpRequestMessage Preflight(string path, string origin = AddOnOrigin)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, path);
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "authorization,content-type");
        return request;
    }
}
