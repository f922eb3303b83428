using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Rally.Api.Hosting;

/// <summary>A request body shown in the API reference: <paramref name="Json"/> is what a client would send.</summary>
public sealed record ApiExample(string Name, string Summary, string Json);

/// <summary>
/// The request bodies the API reference shows, in one place. They are real: the study key is a P-256 point whose
/// <c>kid</c> is its RFC 7638 thumbprint, the payloads are JWEs encrypted to it by an independent JOSE library (its
/// private half was thrown away), and a test sends them all to the API, which accepts them.
/// </summary>
public static class ApiExamples
{
    public static ApiExample Join { get; } = new("join", "Consent to the platform and attest eligibility", """
        {
          "platformConsentVersion": "1.0",
          "residesInUnitedStates": true,
          "ageAtLeast19": true
        }
        """);

    public static ApiExample Enroll { get; } = new("enroll", "Consent to a study's current version", """
        {
          "studyId": "s-k7q2m4x5w3r5t6y6p2n4v7c3-h5j3d2f6g4s7a3z7",
          "consentVersion": "1",
          "shareDemographics": false,
          "privateBrowsingAcknowledged": false
        }
        """);

    public static ApiExample Sharing { get; } = new("share", "Share your profile with the study", """
        {
          "shareDemographics": true
        }
        """);

    public static ApiExample DraftStudy { get; } = new("draft", "A study card with its public key", """
        {
          "name": "News and search habits",
          "description": "How people find and read news online: which news sites they visit, for how long, and how they search for news.",
          "dataCollected": [
            { "type": "page-visit", "description": "Pages of news sites you visit: their address, title and how long you read them." },
            { "type": "search", "description": "Searches on major search engines: the engine, the length of the query and how many results you opened; never the query itself." }
          ],
          "whoHasAccess": "The research team of the Media Lab at Example University.",
          "howDataIsUsed": "To publish aggregate findings on how people consume news. Raw data is deleted when the analysis completes.",
          "collectsInPrivateBrowsing": false,
          "consentVersion": "1",
          "encryptionKey": {
            "kty": "EC",
            "crv": "P-256",
            "x": "Yq8q0H4jZI80nfyDOImVMOxkQMM2mTFpfUJsCfe4Gjc",
            "y": "cKnvVMV0GVwIM-elp7GONUSV8pz8qa-K0VEdrG4kNE8",
            "kid": "87-2KxK60hgXF-p9TRKLAB_0M28ALF0ajPk1pqreEDM"
          },
          "addOn": {
            "id": "news-habits@rally.example",
            "downloadUrl": "https://addons.example.org/rally/news-habits.xpi"
          }
        }
        """);

    /// <summary>Two events encrypted to <see cref="DraftStudy"/>'s key (ECDH-ES, A256GCM, its kid, an ephemeral epk).</summary>
    public static ApiExample Upload { get; } = new("upload", "Two events encrypted in the browser to the study's key", """
        {
          "events": [
            {
              "id": "0b7e3c1a-5d2f-4e8b-9a61-3f2c7d9e8b10",
              "type": "page-visit",
              "collectedAt": "2026-10-14T09:41:27Z",
              "privateWindow": false,
              "payload": "eyJhbGciOiJFQ0RILUVTIiwiZXBrIjp7Imt0eSI6IkVDIiwieCI6InpkckpvSzA4LVY0QlkwWXU5Y2tfYU95SUZyS0Y4aFhwb2Q1NFdDTEhaZUkiLCJ5IjoiaVJ3UkQteDk5MWxTUmZ2eTV6ZGNTNkZFbTlaQ2JITnJXMFRnQWE5MWpfTSIsImNydiI6IlAtMjU2In0sImVuYyI6IkEyNTZHQ00iLCJraWQiOiI4Ny0yS3hLNjBoZ1hGLXA5VFJLTEFCXzBNMjhBTEYwYWpQazFwcXJlRURNIn0..MLwn9YIsSfsQQ9Us.TIUb04KlKW1uRzqC5Zto0-W-qU0KS1PPzIqyNs6Y60KNigpdxjqwR1MIia8b7bxHOv2wGTtpqvuqvQtQwXTAasF0hgZpg0xQ2OLkEUn19901ciWbpIc7Hg.EnQWJsxq4srwwlgLFWn3tw"
            },
            {
              "id": "6d1f9a24-8c3e-4b7a-b5d2-9e0f1a2b3c4d",
              "type": "search",
              "collectedAt": "2026-10-14T09:42:05Z",
              "privateWindow": false,
              "payload": "eyJhbGciOiJFQ0RILUVTIiwiZXBrIjp7Imt0eSI6IkVDIiwieCI6IkxyMFdxWi1odnZmTXJOb2tIWlRvS3NHUWo1b1ZqQzliazV2VWIwNXVweGciLCJ5IjoiWGQxUk1yQ0tDOERNS21sTjc5LTdRTjV5Z3ljUWlQUER6TlZBV2xSMWZvbyIsImNydiI6IlAtMjU2In0sImVuYyI6IkEyNTZHQ00iLCJraWQiOiI4Ny0yS3hLNjBoZ1hGLXA5VFJLTEFCXzBNMjhBTEYwYWpQazFwcXJlRURNIn0..TZG1r02nordix4RQ.qPltHbl-MojzYP91au7ehYuO-9_crmik7eMJ_NWs9kV6sRYYTW2mcIvp3-j68wDecRkyiSIgegr09ySTjudG.ebhjwVrvIYXN5bMuxcUCCA"
            }
          ]
        }
        """);

    /// <summary>Shows <paramref name="example"/> as the route's JSON request body in the API reference.</summary>
    public static TBuilder WithRequestExample<TBuilder>(this TBuilder builder, ApiExample example)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(example);
        return builder.AddOpenApiOperationTransformer((operation, context, cancellationToken) =>
        {
            if (operation.RequestBody?.Content?.TryGetValue("application/json", out var media) != true || media is null)
            {
                throw new InvalidOperationException($"{context.Description.RelativePath} has no JSON request body to show example '{example.Name}' on.");
            }
            media.Examples ??= new Dictionary<string, IOpenApiExample>();
            media.Examples[example.Name] = new OpenApiExample { Summary = example.Summary, Value = JsonNode.Parse(example.Json) };
            return Task.CompletedTask;
        });
    }
}
