using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;

namespace Rally.Api.Page;

/// <summary>
/// The participant page: the static files of <c>wwwroot</c> (the page, its script and style, and the client kit at
/// <c>/sdk/rally.js</c>), served at <c>/</c> with a strict Content-Security-Policy.
/// </summary>
public static class ParticipantPageExtensions
{
    /// <summary>
    /// Only this origin's own files run and are fetched; no inline script or style, no plugin, no framing (the page asks
    /// the participant to confirm which add-on may act for it: a framed page could be clickjacked into that), no base
    /// rewriting. <c>connect-src 'self'</c> covers the API and the notice hub's WebSocket on the same host (CSP Level 3).
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>
    /// Serves <c>wwwroot</c> from next to the assembly (the build copies it there; publishing too), so a front started from
    /// its build output, the published image and the tests' in-process fronts all serve the same files whatever their
    /// content root.
    /// </summary>
    public static WebApplication UseParticipantPage(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var root = Path.Combine(AppContext.BaseDirectory, "wwwroot");
        if (!Directory.Exists(root))
        {
            return app;
        }
        var files = new PhysicalFileProvider(root);
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions { FileProvider = files, OnPrepareResponse = static file => Prepare(file.Context.Response) });
        return app;
    }

    private static void Prepare(HttpResponse response)
    {
        var headers = response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        // Revalidated on every load (ETag, Last-Modified: a 304 costs little), so the page and the kit it imports change
        // together on a deploy; the page holds no credential, so it may be kept.
        headers.CacheControl = "no-cache";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()";
        headers[HeaderNames.XFrameOptions] = "DENY";
    }
}
