using Orleans.Runtime.Placement;
using Orleans.TestingHost;

namespace Rally.Tests.Infrastructure;

/// <summary>Puts a grain's activation on a chosen silo of a test cluster, so that a test can break that silo under it.</summary>
internal static class GrainPlacement
{
    /// <summary>
    /// Activates <paramref name="grain"/> (by calling <paramref name="touch"/>) with Orleans' placement hint naming
    /// <paramref name="silo"/>, deactivating it elsewhere until it is there (something else may activate it first).
    /// Needs a placement that honours hints (e.g. random placement registered as the default).
    /// </summary>
    public static async Task OnSiloAsync(InProcessTestCluster cluster, GrainId grain, Func<Task> touch, InProcessSiloHandle silo)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(touch);
        ArgumentNullException.ThrowIfNull(silo);
        var management = cluster.Client.GetGrain<IManagementGrain>(0);
        // The silos' own lists of activations (the directory may still name a deactivated one for a while).
        async Task<SiloAddress?> HostAsync() =>
            (await management.GetDetailedGrainStatistics()).FirstOrDefault(g => g.GrainId == grain)?.SiloAddress;
        var seen = new List<string>();
        for (var attempt = 0; attempt < 40; attempt++)
        {
            RequestContext.Set(IPlacementDirector.PlacementHintKey, silo.SiloAddress);
            try
            {
                await touch();
            }
            finally
            {
                RequestContext.Remove(IPlacementDirector.PlacementHintKey);
            }
            var host = await HostAsync();
            seen.Add(host?.ToString() ?? "none");
            if (silo.SiloAddress.Equals(host))
            {
                return;
            }
            if (host is not null)
            {
                await management.DeactivateGrain(grain);
                await Eventually.HoldsAsync(async () => await HostAsync() is null, $"{grain} to deactivate", []);
            }
        }
        throw new InvalidOperationException($"{grain} never activated on {silo.SiloAddress}; it was on: {string.Join(", ", seen)}.");
    }
}
