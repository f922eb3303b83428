using System.Security.Cryptography;
using Microsoft.Net.Http.Headers;

namespace Rally.Api.ClientKit;

/// <summary>
/// The JavaScript client kit (<c>clients/js</c>), built by this project's build into one ES module and embedded, served
/// at <c>/sdk/rally.js</c> for the participant page (and anyone who wants to read what add-ons run). Not part of the
/// HTTP API's document: it is a file, not an operation.
/// </summary>
public static class ClientKitEndpoints
{
    public const string Path = "/sdk/rally.js";

    /// <summary>The manifest name the build gives the bundle (Rally.Api.csproj, <c>ClientKitBundle</c>).</summary>
    public const string ResourceName = "Rally.Api.ClientKit.rally.js";

    private static readonly Lazy<(byte[] Bytes, EntityTagHeaderValue ETag)> Bundle = new(Load);

    public static IEndpointRouteBuilder MapClientKit(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(Path, Serve).AllowAnonymous().ExcludeFromDescription();
        return endpoints;
    }

    private static IResult Serve(HttpContext context)
    {
        var (bytes, etag) = Bundle.Value;
        // Revalidated on every use (no-cache, not no-store): a new deployment's kit is picked up at once, an unchanged one costs a 304.
        context.Response.Headers.CacheControl = "no-cache";
        context.Response.Headers.ETag = etag.ToString();
        if (context.Request.GetTypedHeaders().IfNoneMatch is { Count: > 0 } ifNoneMatch && ifNoneMatch.Any(e => e.Compare(etag, useStrongComparison: false)))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }
        return TypedResults.Bytes(bytes, "text/javascript; charset=utf-8");
    }

    private static (byte[], EntityTagHeaderValue) Load()
    {
        using var stream = typeof(ClientKitEndpoints).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The client kit ({ResourceName}) is not embedded: build Rally.Api with node and npm on PATH.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        var bytes = copy.ToArray();
        return (bytes, new EntityTagHeaderValue($"\"{Convert.ToHexStringLower(SHA256.HashData(bytes))[..32]}\""));
    }
}
