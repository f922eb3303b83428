using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Http.HttpClientLibrary;
using Rally.Tests.Client.Generated;

namespace Rally.Tests.Client;

/// <summary>How the committed client (<c>Generated/</c>) is made from <c>docs/openapi.json</c>, and how a caller connects it to a front.</summary>
public static class KiotaClient
{
    /// <summary>Where the generated client lives, from the repository root.</summary>
    public const string Output = "tests/Rally.Tests/Client/Generated";

    /// <summary>
    /// <c>dotnet kiota generate</c>'s arguments but the output (run from the repository root, after <c>dotnet tool restore</c>);
    /// docs/api.md shows the same command.
    /// </summary>
    public static readonly string[] GenerateArguments =
    [
        "kiota", "generate", "--language", "CSharp", "--openapi", "docs/openapi.json",
        "--namespace-name", "Rally.Tests.Client.Generated", "--class-name", "RallyClient",
        "--exclude-backward-compatible", "--clean-output", "--log-level", "Error",
    ];

    /// <summary>A client of the front <paramref name="http"/> points at, sending the credential <paramref name="http"/> carries.</summary>
    public static RallyClient For(HttpClient http)
    {
        ArgumentNullException.ThrowIfNull(http);
        var adapter = new HttpClientRequestAdapter(new AnonymousAuthenticationProvider(), httpClient: http)
        {
            BaseUrl = http.BaseAddress!.ToString().TrimEnd('/'),
        };
        return new RallyClient(adapter);
    }
}
