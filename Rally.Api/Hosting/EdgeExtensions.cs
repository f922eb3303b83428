using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Rally.Silo.Configuration;

namespace Rally.Api.Hosting;

/// <summary>What every answer carries, or leaves out, facing the internet; and which browser origins may call (CORS).</summary>
public static class EdgeExtensions
{
    public const string CorsPolicy = "rally";

    public static WebApplicationBuilder AddRallyEdges(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddRallyOptions<CorsSettings>(builder.Configuration, CorsSettings.Section);
        // Names no server software to whoever probes the API.
        builder.Services.Configure<KestrelServerOptions>(kestrel => kestrel.AddServerHeader = false);
        builder.Services.AddHsts(_ => { });
        builder.Services.AddCors();
        builder.Services.AddOptions<CorsOptions>().Configure<IOptions<CorsSettings>>((cors, settings) =>
            cors.AddPolicy(CorsPolicy, policy => policy
                .SetIsOriginAllowed(settings.Value.IsAllowed)
                .WithMethods(HttpMethods.Get, HttpMethods.Post, HttpMethods.Put, HttpMethods.Delete)
                .WithHeaders(HeaderNames.Authorization, HeaderNames.ContentType)
                // A client needs to see when to retry a 503; everything else it reads is in the body.
                .WithExposedHeaders(HeaderNames.RetryAfter)
                .SetPreflightMaxAge(TimeSpan.FromMinutes(10))));
        return builder;
    }

    /// <summary>Headers on every answer, HSTS over HTTPS outside Development, CORS, and a body's content type checked.</summary>
    public static WebApplication UseRallyEdges(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.Use(static (http, next) =>
        {
            // Set as the answer starts, so that answers the exception handler rewrote carry them too.
            http.Response.OnStarting(static state =>
            {
                var response = ((HttpContext)state).Response;
                response.Headers.XContentTypeOptions = "nosniff";
                if (response.HttpContext.Request.Path.StartsWithSegments("/v1", StringComparison.Ordinal))
                {
                    // Tokens, keys, profiles, exports, stats: no /v1 answer is kept by a browser or a proxy.
                    response.Headers.CacheControl = "no-store";
                }
                return Task.CompletedTask;
            }, http);
            return next(http);
        });
        if (!app.Environment.IsDevelopment())
        {
            app.UseHsts();
        }
        app.UseCors(CorsPolicy);
        app.Use(RequestContentType.CheckAsync);
        return app;
    }
}
