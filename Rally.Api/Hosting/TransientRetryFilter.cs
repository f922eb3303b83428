using Orleans.Runtime;

namespace Rally.Api.Hosting;

/// <summary>
/// Resends a grain call that the cluster turned away without running it: a silo shutting down or just declared
/// dead rejects the calls addressed to it, and the next attempt reaches the grain on another silo. A graceful
/// restart of silos is thereby invisible to callers; only when the retries run out does the caller get a 503.
/// Every Rally grain operation is safe to repeat (callers resend after a 503 anyway).
/// </summary>
internal sealed partial class TransientRetryFilter(ILogger<TransientRetryFilter> logger) : IOutgoingGrainCallFilter
{
    private static readonly TimeSpan[] Backoff = [TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(700), TimeSpan.FromSeconds(1.5)];

    public async Task Invoke(IOutgoingGrainCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        for (var attempt = 0; ; attempt++)
        {
            Exception? failure;
            try
            {
                await context.Invoke();
                failure = context.Response?.Exception;
            }
            catch (Exception e) when (IsRejection(e) && attempt < Backoff.Length)
            {
                failure = e;
            }
            if (failure is null || !IsRejection(failure) || attempt >= Backoff.Length)
            {
                return;
            }
            LogRetry(logger, context.MethodName, failure is SiloUnavailableException ? "silo unavailable" : "rejected", attempt + 1);
            await Task.Delay(Backoff[attempt]);
        }
    }

    private static bool IsRejection(Exception e) => e is SiloUnavailableException or OrleansMessageRejectionException;

    [LoggerMessage(EventId = 2010, Level = LogLevel.Information, Message = "{Method} was turned away ({Reason}); attempt {Attempt} again")]
    private static partial void LogRetry(ILogger logger, string method, string reason, int attempt);
}
