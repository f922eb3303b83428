using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

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

    public static IEndpointRouteBuilder MapRallyHealthChecks(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        endpoints.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag) });
        return endpoints;
    }
}
