using System.Net;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Rally.Tests.Infrastructure;

namespace Rally.Tests.Api;

/// <summary>
/// The API contract is a reviewed artifact: the document Rally serves must be the committed <c>docs/openapi.json</c>,
/// so any change to the contract shows up in review as a diff of that file, and that file lints clean with Redocly
/// CLI's recommended ruleset (<c>redocly.yaml</c>). After an intended change, accept it with
/// <c>dotnet test tests/Rally.Tests --filter ApiContractTests -e RALLY_ACCEPT_OPENAPI=1</c>, which writes the served
/// document into <c>docs/openapi.json</c>; no build step writes there.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class ApiContractTests(ApiFixture fixture)
{
    public const string AcceptVariable = "RALLY_ACCEPT_OPENAPI";

    public static string Committed { get; } = Path.Combine(RallyRepository.Root, "docs", "openapi.json");

    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        // Readable in review: descriptions keep their typographic characters.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    [Fact]
    public async Task The_document_rally_serves_is_the_committed_contract()
    {
        using var client = fixture.Factory.CreateClient();
        var served = await (await client.GetAsync("/openapi/v1.json")).ShouldBeAsync(HttpStatusCode.OK);
        if (Environment.GetEnvironmentVariable(AcceptVariable) == "1")
        {
            await File.WriteAllTextAsync(Committed, served.ToJsonString(Indented) + "\n");
        }

        var committed = JsonNode.Parse(await File.ReadAllTextAsync(Committed));

        var differences = Differences("$", committed, served).Take(10).ToArray();
        Assert.True(differences.Length == 0,
            $"The API contract changed: docs/openapi.json differs from what Rally serves at /openapi/v1.json. If the change is "
            + $"intended, accept it with `dotnet test tests/Rally.Tests --filter ApiContractTests -e {AcceptVariable}=1` and "
            + $"commit docs/openapi.json with it. First differences:\n{string.Join("\n", differences)}");
    }

    [Fact]
    public async Task The_committed_contract_lints_clean_with_the_recommended_ruleset()
    {
        var cli = Path.Combine(RallyRepository.Root, "tests", "Rally.Tests", "Api", "redocly", "node_modules", "@redocly", "cli", "bin", "cli.js");
        Assert.True(File.Exists(cli), $"Redocly CLI is not installed at {cli}: the build installs it with npm from its lock file.");

        // Exits non-zero (and so throws, with the report) on any error.
        var report = await ProcessRunner.RunAsync("node", [cli, "lint", "docs/openapi.json", "--config", "redocly.yaml", "--format", "stylish"],
            TimeSpan.FromMinutes(2), new Dictionary<string, string> { ["REDOCLY_TELEMETRY"] = "off", ["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true" },
            RallyRepository.Root);

        Assert.Contains("Your API description is valid", report, StringComparison.Ordinal);
        Assert.DoesNotContain("warning", report.Replace("Deprecation warning", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Where two JSON documents differ, path by path (objects regardless of member order).</summary>
    private static IEnumerable<string> Differences(string path, JsonNode? expected, JsonNode? actual)
    {
        switch (expected, actual)
        {
            case (JsonObject e, JsonObject a):
                foreach (var name in e.Select(p => p.Key).Union(a.Select(p => p.Key)))
                {
                    var child = $"{path}.{name}";
                    if (!e.ContainsKey(name))
                    {
                        yield return $"{child}: added";
                    }
                    else if (!a.ContainsKey(name))
                    {
                        yield return $"{child}: removed";
                    }
                    else
                    {
                        foreach (var difference in Differences(child, e[name], a[name]))
                        {
                            yield return difference;
                        }
                    }
                }
                break;
            case (JsonArray e, JsonArray a) when e.Count == a.Count:
                for (var i = 0; i < e.Count; i++)
                {
                    foreach (var difference in Differences($"{path}[{i}]", e[i], a[i]))
                    {
                        yield return difference;
                    }
                }
                break;
            default:
                if (!JsonNode.DeepEquals(expected, actual))
                {
                    yield return $"{path}: was {Shorten(expected)}, is now {Shorten(actual)}";
                }
                break;
        }
    }

    private static string Shorten(JsonNode? node)
    {
        var text = node?.ToJsonString() ?? "null";
        return text.Length <= 120 ? text : text[..117] + "...";
    }
}
