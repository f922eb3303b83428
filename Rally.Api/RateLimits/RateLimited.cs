namespace Rally.Api.RateLimits;

/// <summary>Which limit of its own a route counts against, besides the caller's general one (endpoint metadata).</summary>
public enum RateLimited
{
    /// <summary>Uploads: per participant.</summary>
    Uploads,

    /// <summary>Exports: per researcher, and the front's cap on exports running at once.</summary>
    Exports,

    /// <summary>The notice hub (negotiate and connect): per participant.</summary>
    HubConnections,

    /// <summary>A participant's export of its own data (<c>GET /v1/me/export</c>, which reads every study's audit): per participant.</summary>
    OwnData,
}

/// <summary>The <see cref="RateLimited"/> of a route (endpoint metadata).</summary>
public sealed record RateLimitedRoute(RateLimited Limit)
{
    public static RateLimited? Of(HttpContext http) => http?.GetEndpoint()?.Metadata.GetMetadata<RateLimitedRoute>()?.Limit;
}

public static class RateLimitedExtensions
{
    /// <summary>The route also counts against <paramref name="limit"/>.</summary>
    public static TBuilder LimitedAs<TBuilder>(this TBuilder builder, RateLimited limit)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RateLimitedRoute(limit));
}
