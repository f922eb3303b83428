using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.ExceptionServices;
using Microsoft.Extensions.Options;
using Orleans.Runtime.Messaging;

namespace Rally.Api.Hosting;

/// <summary>
/// Resends a grain call that the cluster turned away or lost, so that a silo stopping or dying is invisible to callers or
/// costs them seconds at most:
/// <list type="bullet">
/// <item>A call turned away without being run (a silo stopping, just declared dead, unreachable; or, for a call safe to
/// send again, a gateway the front could not connect to) is sent again after
/// 100, 200, 300, 400 ms, then every 500 ms, ten times at most (≈4 s: longer than a dead silo takes to be declared dead),
/// and at once when a silo is lost or declared dead meanwhile.</item>
/// <item>A call safe to send again — a grain method taking a <see cref="CancellationToken"/> — gets
/// <see cref="OrleansOptions.AttemptTimeout"/> per attempt: an attempt unanswered by then, or in flight when a silo is
/// lost (<see cref="ISiloLossSignal.Lost"/>), is cancelled and sent again at once, all within
/// <see cref="OrleansOptions.ResponseTimeout"/>.</item>
/// <item>Any other call in flight when the membership table says a silo was declared dead is answered 503 at once
/// (<see cref="CallLostException"/>) rather than after the response timeout; a call that timed out is sent once more.</item>
/// </list>
/// Every Rally grain operation is safe to repeat (callers resend after a 503 anyway): a repeat changes nothing more (an
/// export's audit record is kept once; a consent version published again answers <c>409</c>, its first publish stands);
/// the cancellable ones are those a front resends on its own, being reads or writes that carry the front's request id.
/// </summary>
internal sealed partial class TransientRetryFilter(
    ILogger<TransientRetryFilter> logger, IOptions<OrleansOptions> options, ISiloLossSignal? signal = null, TimeProvider? clock = null)
    : IOutgoingGrainCallFilter
{
    private static readonly TimeSpan[] Backoff = [.. new[] { 100, 200, 300, 400, 500, 500, 500, 500, 500, 500 }.Select(ms => TimeSpan.FromMilliseconds(ms))];

    /// <summary>Per interface method: the position of its <see cref="CancellationToken"/> parameter, or -1.</summary>
    private static readonly ConcurrentDictionary<MethodInfo, int> TokenSlots = new();

    /// <summary>Attempts cut short, at most, besides the budget: a bound should silos come and go many times during one call.</summary>
    private const int MaxCutShort = 10;

    /// <summary>The shortest attempt worth sending: less of the budget left ends the call.</summary>
    private static readonly TimeSpan MinAttempt = TimeSpan.FromMilliseconds(50);

    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    public async Task Invoke(IOutgoingGrainCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var slot = TokenSlots.GetOrAdd(context.InterfaceMethod, static m => Array.FindIndex(m.GetParameters(), p => p.ParameterType == typeof(CancellationToken)));
        var callerToken = slot >= 0 ? (CancellationToken)context.Request.GetArgument(slot)! : default;
        var started = _clock.GetTimestamp();
        var budget = options.Value.ResponseTimeout;
        var (retries, timeouts, cut) = (0, 0, 0);
        while (true)
        {
            Exception? failure;
            ExceptionDispatchInfo? thrown = null;
            string? cutShort = null;
            try
            {
                if (slot >= 0)
                {
                    cutShort = await InvokeWithDeadlineAsync(context, slot, budget - _clock.GetElapsedTime(started), callerToken);
                }
                else
                {
                    await InvokeUnlessDeclaredDeadAsync(context);
                }
                failure = cutShort is null ? context.Response?.Exception : null;
            }
            catch (Exception e) when (ClusterFailures.IsTransient(e) && e is not CallLostException)
            {
                failure = e;
                thrown = ExceptionDispatchInfo.Capture(e);
            }

            if (cutShort is not null)
            {
                var left = budget - _clock.GetElapsedTime(started);
                if (left >= MinAttempt && cut < MaxCutShort)
                {
                    LogResent(logger, context.MethodName, cutShort, ++cut + 1);
                    continue;
                }
                if (left > TimeSpan.Zero && left < MinAttempt)
                {
                    // A sliver is no attempt (timers round it down to nothing, and the call would spin): the call fails
                    // at the end of its budget, as one that was never answered does.
                    await Task.Delay(left, _clock);
                }
                context.Response = Orleans.Serialization.Invocation.Response.FromException(new TimeoutException($"{context.MethodName} was not answered within {budget} ({cut + 1} attempts; the last {cutShort})."));
                return;
            }
            if (failure is null || !ClusterFailures.IsTransient(failure) || (failure is ConnectionFailedException && slot < 0) || retries >= Backoff.Length
                || (failure is TimeoutException && ++timeouts > 1) || _clock.GetElapsedTime(started) + Backoff[retries] > budget)
            {
                thrown?.Throw();
                return;
            }
            LogRetry(logger, context.MethodName, failure switch { SiloUnavailableException => "silo unavailable", TimeoutException => "no answer", OrleansException when ClusterFailures.IsNoCompatibleSilo(failure) => "no silo known to host it", ConnectionFailedException => "its gateway unreachable", _ => "rejected" }, retries + 2);
            await PauseAsync(Backoff[retries++]);
        }
    }

    /// <summary>
    /// The pause before a retry, cut short when a silo is lost: a call turned away because its grain's silo is dead is
    /// answered as soon as that silo is declared dead, so the retry goes then rather than at its next turn.
    /// </summary>
    private async Task PauseAsync(TimeSpan pause)
    {
        try
        {
            await Task.Delay(pause, _clock, signal?.Lost ?? CancellationToken.None);
        }
        catch (OperationCanceledException)
        {
            // A silo was lost or declared dead meanwhile: retry now.
        }
    }

    /// <summary>One attempt of a cancellable call; null when it was answered, else why it was cut short (to be sent again).</summary>
    private async Task<string?> InvokeWithDeadlineAsync(IOutgoingGrainCallContext context, int slot, TimeSpan remaining, CancellationToken callerToken)
    {
        var lost = signal?.Lost ?? CancellationToken.None;
        // The last attempt takes what is left rather than leave a sliver after it.
        var deadline = remaining - options.Value.AttemptTimeout < MinAttempt ? remaining : options.Value.AttemptTimeout;
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(callerToken, lost);
        attempt.CancelAfter(deadline > TimeSpan.Zero ? deadline : TimeSpan.Zero);
        context.Request.SetArgument(slot, attempt.Token);
        bool cancelled;
        try
        {
            await context.Invoke();
            // Orleans answers a cancelled call at once with OperationCanceledException, without waiting for the silo.
            cancelled = context.Response is { Exception: OperationCanceledException };
        }
        catch (OperationCanceledException)
        {
            cancelled = true; // cancelled before it was sent
        }
        finally
        {
            // The caller's own token back, so that nothing outlives this attempt's source.
            context.Request.SetArgument(slot, callerToken);
        }
        if (!cancelled || callerToken.IsCancellationRequested || !attempt.IsCancellationRequested)
        {
            return null; // answered, or cancelled by the caller: nothing to resend
        }
        return lost.IsCancellationRequested ? "in flight when a silo was lost" : $"unanswered after {deadline.TotalSeconds:0.###} s";
    }

    /// <summary>A call that cannot be cancelled: awaited, unless a silo is declared dead first (then 503 at once).</summary>
    private async Task InvokeUnlessDeclaredDeadAsync(IOutgoingGrainCallContext context)
    {
        var declared = signal?.DeclaredDead;
        var call = context.Invoke();
        if (declared is null || call.IsCompleted || await Task.WhenAny(call, declared) == call)
        {
            await call;
            return;
        }
        // Its answer, if one ever comes, goes nowhere; its failure is observed here.
        _ = call.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        LogAbandoned(logger, context.MethodName);
        throw new CallLostException($"{context.MethodName} was in flight when a silo was declared dead; it may or may not have run.");
    }

    [LoggerMessage(EventId = 2010, Level = LogLevel.Information, Message = "{Method} was turned away ({Reason}); attempt {Attempt} follows")]
    private static partial void LogRetry(ILogger logger, string method, string reason, int attempt);

    [LoggerMessage(EventId = 2014, Level = LogLevel.Information, Message = "{Method} was cut short ({Reason}); attempt {Attempt} follows")]
    private static partial void LogResent(ILogger logger, string method, string reason, int attempt);

    [LoggerMessage(EventId = 2015, Level = LogLevel.Information, Message = "{Method} was in flight when a silo was declared dead: answered 503")]
    private static partial void LogAbandoned(ILogger logger, string method);
}
