using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Rally.Api.Problems;
using Rally.Silo.Configuration;

namespace Rally.Api.RateLimits;

public static class RateLimitExtensions
{
    /// <summary>The limits of <see cref="RateLimitOptions"/> and the client address they count by (<see cref="ClientAddressOptions"/>).</summary>
    public static WebApplicationBuilder AddRallyRateLimits(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddRallyOptions<RateLimitOptions>(builder.Configuration, RateLimitOptions.Section);
        builder.Services.AddRallyOptions<ClientAddressOptions>(builder.Configuration, ClientAddressOptions.Section);
        builder.Services.AddMetrics();
        builder.Services.TryAddSingleton<RateLimitMetrics>();
        builder.Services.AddRateLimiter(_ => { });
        builder.Services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitOptions>>((o, limits) =>
        {
            o.GlobalLimiter = RallyRateLimiter.Create(limits.Value);
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = RefuseAsync;
        });
        builder.Services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<ClientAddressOptions>>((o, proxies) =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // Only the proxies named: by default nobody (not even loopback) may set the client's address.
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var proxy in proxies.Value.KnownProxies)
            {
                o.KnownProxies.Add(IPAddress.Parse(proxy));
            }
            foreach (var network in proxies.Value.KnownNetworks)
            {
                o.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
            }
        });
        return builder;
    }

    /// <summary>First in the pipeline: the client's address from the named proxies' headers, when any are named.</summary>
    public static WebApplication UseRallyClientAddress(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.Services.GetRequiredService<IOptions<ClientAddressOptions>>().Value.Any)
        {
            app.UseForwardedHeaders();
        }
        return app;
    }

    /// <summary>After authentication, so that only a verified credential gets a bucket of its own.</summary>
    public static WebApplication UseRallyRateLimits(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseRateLimiter();
        return app;
    }

    private static async ValueTask RefuseAsync(OnRejectedContext context, CancellationToken cancellationToken)
    {
        var http = context.HttpContext;
        var limit = RallyRateLimiter.LimitOf(http);
        http.RequestServices.GetRequiredService<RateLimitMetrics>().Refused(limit);
        var after = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(after.TotalSeconds));
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await ProblemTypes.TooManyRequests.Result(limit == "exports" && !context.Lease.TryGetMetadata(MetadataName.RetryAfter, out _)
                ? $"Too many exports are running on this server; retry in {seconds} s."
                : $"Too many requests ({limit} limit); retry in {seconds} s.")
            .ExecuteAsync(http);
    }
}
