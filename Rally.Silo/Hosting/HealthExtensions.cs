using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace Rally.Silo.Hosting;

public static class HealthExtensions
{
    /// <summary>Tag of the checks that decide readiness (liveness runs none: the process answering is enough).</summary>
    public const string ReadyTag = "ready";

    /// <summary>The group the API reference shows the probes in.</summary>
    public const string Tag = "Health";

    /// <summary>Readiness: the cluster answers and, in PostgreSQL mode, so does the database.</summary>
    public static IServiceCollection AddRallyHealthChecks(this IServiceCollection services, IConfiguration configuration)
    {
        var checks = services.AddHealthChecks().AddCheck<ClusterHealthCheck>("cluster", tags: [ReadyTag]);
        var storage = RallyStorage.Of(services, configuration);
        if (storage.IsPostgres)
        {
            checks.AddTypeActivatedCheck<PostgresHealthCheck>("postgres", failureStatus: null, tags: [ReadyTag], storage.ConnectionString);
        }
        return services;
    }

    /// <summary>
    /// The probes, described for the API reference: health-check endpoints are not route handlers, so the API front's
    /// document adds them from this metadata.
    /// </summary>
    public static IEndpointRouteBuilder MapRallyHealthChecks(this IEndpointRouteBuilder endpoints)
    {
        // Probes are never rate limited: a limit would turn load into restarts.
        endpoints.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false })
            .DisableRateLimiting()
            .WithTags(Tag)
            .WithName("getLiveness")
            .WithSummary("Check that the process answers")
            .WithDescription("""
                Anyone may call it. Answers `200` with the text `Healthy` as long as the process answers: it runs no
                check, so it is the liveness probe (restart the process when it fails).
                """)
            .WithMetadata(PlainText(StatusCodes.Status200OK, "The process answers: `Healthy`."));
        endpoints.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag) })
            .DisableRateLimiting()
            .WithTags(Tag)
            .WithName("getReadiness")
            .WithSummary("Check that the process can serve requests")
            .WithDescription("""
                Anyone may call it. Answers `200` with the text `Healthy` when a grain call round-trips through the
                Orleans cluster within 5 seconds and, with PostgreSQL, the database answers; `503` with the text
                `Unhealthy` otherwise. It is the readiness probe: send traffic only to processes that pass it.
                """)
            .WithMetadata(PlainText(StatusCodes.Status200OK, "Ready: `Healthy`."))
            .WithMetadata(PlainText(StatusCodes.Status503ServiceUnavailable, "Not ready: `Unhealthy` (the cluster or the database does not answer)."));
        return endpoints;
    }

    private static ProducesResponseTypeMetadata PlainText(int status, string description) =>
        new(status, typeof(string), ["text/plain"]) { Description = description };
}
