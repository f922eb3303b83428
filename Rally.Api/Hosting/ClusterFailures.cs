using Orleans.Runtime.Messaging;
using Orleans.Storage;

namespace Rally.Api.Hosting;

/// <summary>Failures that mean the cluster could not take a call just now (it ran nothing): resend, then answer 503.</summary>
internal static class ClusterFailures
{
    /// <summary>
    /// A silo turned the call away (stopping, declared dead, unreachable), the front could not connect to the gateway it
    /// sent the call through (<see cref="ConnectionFailedException"/>: a silo killed or stopped that the front does not
    /// yet know is gone; usually the call never left, but one re-routed from a connection that dropped may have run, so
    /// <see cref="TransientRetryFilter"/> resends only calls safe to repeat on it), no answer came, the front's view of
    /// the cluster briefly held no silo able to host the grain (every known silo was stopping or just declared dead
    /// during a rolling restart; Orleans reports that as a plain <see cref="OrleansException"/>), or a grain's write
    /// was refused as stale (<see cref="InconsistentStateException"/>: a second activation during a restart wrote
    /// first; the write changed nothing, Orleans deactivates the stale activation, and Rally's calls are resendable),
    /// or the call was in flight when a silo was declared dead (<see cref="CallLostException"/>).
    /// </summary>
    public static bool IsTransient(Exception e) =>
        e is SiloUnavailableException or OrleansMessageRejectionException or ConnectionFailedException or TimeoutException or InconsistentStateException or CallLostException
        || IsNoCompatibleSilo(e);

    public static bool IsNoCompatibleSilo(Exception e) =>
        e.GetType() == typeof(OrleansException) && e.Message.StartsWith("No active nodes are compatible with grain", StringComparison.Ordinal);
}
