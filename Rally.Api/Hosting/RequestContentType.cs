using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Net.Http.Headers;
using Rally.Api.Problems;

namespace Rally.Api.Hosting;

/// <summary>
/// Refuses, on routes that read a body, a <c>Content-Type</c> that cannot be parsed or names a charset other than
/// UTF-8 (the only encoding of JSON, RFC 8259): the framework would otherwise fail on an unknown charset with a 500.
/// </summary>
internal static class RequestContentType
{
    public static async Task CheckAsync(HttpContext http, RequestDelegate next)
    {
        var contentType = http.Request.ContentType;
        if (contentType is not null
            && http.GetEndpoint()?.Metadata.GetMetadata<IAcceptsMetadata>() is not null
            && !IsUtf8Json(contentType))
        {
            http.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
            {
                HttpContext = http,
                ProblemDetails = ProblemTypes.UnsupportedMediaType.Create(
                    "The Content-Type cannot be read, or names a charset other than utf-8: send application/json (charset utf-8 or none)."),
            });
            return;
        }
        await next(http);
    }

    /// <summary>
    /// Parses, and names no charset or <c>utf-8</c> unquoted (the framework reads a quoted one as an unknown encoding).
    /// Whether the type is JSON is left to the route (a <c>415</c> too).
    /// </summary>
    private static bool IsUtf8Json(string contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var parsed)
        && (!parsed.Parameters.Any(p => p.Name.Equals("charset", StringComparison.OrdinalIgnoreCase))
            || parsed.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase));
}
