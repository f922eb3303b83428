using System.Runtime.ExceptionServices;

namespace Rally.Api.Hosting;

/// <summary>
/// Resends a grain call that the cluster turned away without running it: a silo shutting down or just declared
/// dead rejects the calls addressed to it, and the next attempt reaches the grain on another silo. A graceful
/// restart of silos is thereby invisible to callers; only when the retries run out does the caller get a 503.
/// A call whose answer never came (lost with a silo that stopped or died) is sent once more as well. Every Rally
/// grain operation is safe to repeat (callers resend after a 503 anyway).
/// </summary>
internal sealed partial class TransientRetryFilter(ILogger<TransientRetryFilter> logger) : IOutgoingGrainCallFilter
{
    private static readonly TimeSpan[] Backoff = [TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(700), TimeSpan.FromSeconds(1.5)];

    public async Task Invoke(IOutgoingGrainCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var timeouts = 0;
        for (var attempt = 0; ; attempt++)
        {
            Exception? failure;
            ExceptionDispatchInfo? thrown = null;
            try
            {
                await context.Invoke();
                failure = context.Response?.Exception;
            }
            catch (Exception e) when (ClusterFailures.IsTransient(e))
            {
                failure = e;
                thrown = ExceptionDispatchInfo.Capture(e);
            }
            if (failure is null || !ClusterFailures.IsTransient(failure) || attempt >= Backoff.Length
                || (failure is TimeoutException && ++timeouts > 1))
            {
                thrown?.Throw();
                return;
            }
            LogRetry(logger, context.MethodName, failure switch { SiloUnavailableException => "silo unavailable", TimeoutException => "no answer", OrleansException when ClusterFailures.IsNoCompatibleSilo(failure) => "no silo known to host it", _ => "rejected" }, attempt + 1);
            await Task.Delay(Backoff[attempt]);
        }
    }

    [LoggerMessage(EventId = 2010, Level = LogLevel.Information, Message = "{Method} was turned away ({Reason}); attempt {Attempt} again")]
    private static partial void LogRetry(ILogger logger, string method, string reason, int attempt);
}
