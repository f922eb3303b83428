using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Rally.Tests.Infrastructure;

namespace Rally.Tests.Operations;

/// <summary><c>dotnet Rally.Api.dll --urls …</c> with no configuration at all: the whole system in one process.</summary>
public sealed partial class EmbeddedDefaultTests
{
    [Fact]
    public async Task The_api_alone_runs_the_whole_system_and_says_so()
    {
        await using var api = RallyProcess.StartApi(new Dictionary<string, string>
        {
            // Its own silo ports, so a developer's running copy does not collide with the test.
            ["Rally__Cluster__SiloPort"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Rally__Cluster__GatewayPort"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        using var http = new HttpClient { BaseAddress = api.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };

        await Eventually.HoldsAsync(() => Task.FromResult(OperatorKey().IsMatch(api.Output)), "the start banner", [api]);
        var output = api.Output;
        Assert.Contains($"listening on {api.BaseAddress.ToString().TrimEnd('/')}", output, StringComparison.Ordinal);
        Assert.Contains("NOT durable", output, StringComparison.Ordinal);
        Assert.Contains("ConnectionStrings__Rally", output, StringComparison.Ordinal);
        var operatorKey = OperatorKey().Match(output).Groups[1].Value;

        await Eventually.HoldsAsync(() => api.IsReadyAsync(http), "/health/ready", [api]);
        var partner = await http.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/v1/partners")
        {
            Content = JsonContent.Create(new { name = "Embedded Lab" }),
            Headers = { Authorization = new("Bearer", operatorKey) },
        });
        var partnerId = (string)(await partner.ShouldBeAsync(HttpStatusCode.Created))["partnerId"]!;
        var researcher = await http.SendAsync(new HttpRequestMessage(HttpMethod.Post, $"/v1/partners/{partnerId}/researchers")
        {
            Content = JsonContent.Create(new { name = "Dr. Embedded" }),
            Headers = { Authorization = new("Bearer", operatorKey) },
        });
        var researcherKey = (string)(await researcher.ShouldBeAsync(HttpStatusCode.Created))["key"]!;
        // Study ids carry a MAC under a key the embedded default made up for its run.
        var draft = await http.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/v1/studies")
        {
            Content = JsonContent.Create(RallyApi.StudyCard()),
            Headers = { Authorization = new("Bearer", researcherKey) },
        });
        Assert.Matches("^s-[a-z2-7]{24}-[a-z2-7]{16}$", (string?)(await draft.ShouldBeAsync(HttpStatusCode.Created))["studyId"]);
        var participant = await http.PostAsJsonAsync("/v1/participants", RallyApi.JoinBody());
        await participant.ShouldBeAsync(HttpStatusCode.Created);
        Assert.DoesNotContain((string)(await participant.Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonObject>())!["token"]!, api.Output, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"Operator key \(generated[^)]*\): ([0-9a-f]{48})")]
    private static partial Regex OperatorKey();
}
