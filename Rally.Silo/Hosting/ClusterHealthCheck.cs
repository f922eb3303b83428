using Microsoft.Extensions.Diagnostics.HealthChecks;
using Rally.Grains.Platform;

namespace Rally.Silo.Hosting;

/// <summary>Ready when a grain call round-trips through the cluster (in PostgreSQL mode that needs the database's membership too).</summary>
public sealed class ClusterHealthCheck(IGrainFactory grains) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await grains.GetGrain<IPlatformGrain>(0).GetAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy("The Orleans cluster does not answer.", ex);
        }
    }
}
