using System.Net;
using System.Net.Sockets;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Rally.Api.Authentication;

namespace Rally.Api.RateLimits;

/// <summary>
/// The one limiter every request passes (ASP.NET Core's rate limiter, after authentication, so that a credential is
/// known to be genuine before it gets a bucket of its own): the caller's general bucket — its verified credential's,
/// or else its address's, so forged credentials share their sender's — then the route's own (<see cref="RateLimited"/>),
/// then the caps on exports running at once (on the front and per study) and on hub connections open at once. Each partition's limiter lives until idle.
/// </summary>
internal static class RallyRateLimiter
{
    public static PartitionedRateLimiter<HttpContext> Create(RateLimitOptions options) => PartitionedRateLimiter.CreateChained(
        PartitionedRateLimiter.Create<HttpContext, string>(http => Caller(http) is { } credential
            ? Bucket("credential:" + credential, options.Credential)
            : Bucket("address:" + Address(http), options.Anonymous)),
        PartitionedRateLimiter.Create<HttpContext, string>(http => (RateLimitedRoute.Of(http), Caller(http)) switch
        {
            (RateLimited.Uploads, { } caller) => Bucket("uploads:" + caller, options.Uploads),
            (RateLimited.Exports, { } caller) => Bucket("exports:" + caller, options.Exports),
            (RateLimited.HubConnections, { } caller) => Bucket("hub:" + caller, options.HubConnections),
            (RateLimited.OwnData, { } caller) => Bucket("own-data:" + caller, options.OwnData),
            _ => RateLimitPartition.GetNoLimiter(""),
        }),
        PartitionedRateLimiter.Create<HttpContext, string>(http => RateLimitedRoute.Of(http) == RateLimited.Exports
            ? RateLimitPartition.GetConcurrencyLimiter("concurrent-exports", _ => new ConcurrencyLimiterOptions { PermitLimit = options.ConcurrentExports, QueueLimit = 0 })
            : RateLimitPartition.GetNoLimiter("")),
        PartitionedRateLimiter.Create<HttpContext, string>(http => RateLimitedRoute.Of(http) == RateLimited.Exports
            ? RateLimitPartition.GetConcurrencyLimiter("study-exports:" + http.GetRouteValue("studyId"), _ => new ConcurrencyLimiterOptions { PermitLimit = options.ConcurrentExportsPerStudy, QueueLimit = 0 })
            : RateLimitPartition.GetNoLimiter("")),
        // A hub connection is one request that lasts as long as the connection: its lease caps those open at once.
        PartitionedRateLimiter.Create<HttpContext, string>(http => (RateLimitedRoute.Of(http), Caller(http)) is (RateLimited.HubConnections, { } caller)
            ? RateLimitPartition.GetConcurrencyLimiter("open-hub:" + caller, _ => new ConcurrencyLimiterOptions { PermitLimit = options.OpenHubConnections, QueueLimit = 0 })
            : RateLimitPartition.GetNoLimiter("")));

    /// <summary>The limit a refused request was counted under, for the meter and the problem's detail.</summary>
    public static string LimitOf(HttpContext http) =>
        RateLimitedRoute.Of(http) switch
        {
            RateLimited.Uploads => "uploads",
            RateLimited.Exports => "exports",
            RateLimited.HubConnections => "hub-connections",
            RateLimited.OwnData => "own-data",
            _ => Caller(http) is null ? "anonymous" : "credential",
        };

    private static RateLimitPartition<string> Bucket(string key, RateLimit limit) =>
        RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = limit.Burst,
            TokensPerPeriod = Math.Max(1, limit.PerMinute / 60),
            ReplenishmentPeriod = limit.PerMinute >= 60 ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(60.0 / limit.PerMinute),
            QueueLimit = 0,
            AutoReplenishment = true,
        });

    /// <summary>The verified credential's subject (participant, researcher or operator), or null when none was verified.</summary>
    private static string? Caller(HttpContext http) =>
        http.User.Identity?.IsAuthenticated == true
            ? $"{http.User.FindFirstValue(ClaimTypes.Role)}:{http.User.FindFirstValue(RallyAuth.SubjectClaim)}"
            : null;

    /// <summary>The client's address; an IPv6 client by its /64, which one subscriber usually holds whole.</summary>
    private static string Address(HttpContext http)
    {
        var address = http.Connection.RemoteIpAddress;
        if (address is null)
        {
            return "unknown";
        }
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var bytes = address.GetAddressBytes();
            Array.Clear(bytes, 8, 8);
            address = new IPAddress(bytes);
        }
        return address.ToString();
    }
}
