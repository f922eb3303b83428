using System.Diagnostics;
using System.Reflection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Runtime.Messaging;
using Orleans.Serialization.Invocation;
using Rally.Api.Hosting;

namespace Rally.Tests.Operations;

/// <summary>
/// A front resends calls the cluster turned away, cuts short and resends the attempts of cancellable calls that go
/// unanswered or are in flight when a silo is lost, answers other calls lost with a dead silo at once, and passes
/// everything else through.
/// </summary>
public sealed class TransientRetryFilterTests
{
    private static readonly OrleansOptions Short = new() { AttemptTimeout = TimeSpan.FromMilliseconds(200), ResponseTimeout = TimeSpan.FromSeconds(1) };

    /// <summary>
    /// Short attempts in a long budget: a test process stalled for most of a second (CI, the first seconds of the run)
    /// would otherwise leave no time for the second attempt, and the call would fail as a timeout after one.
    /// </summary>
    private static readonly OrleansOptions ShortAttempts = new() { AttemptTimeout = TimeSpan.FromMilliseconds(200), ResponseTimeout = TimeSpan.FromSeconds(10) };

    private readonly TransientRetryFilter _filter = new(NullLogger<TransientRetryFilter>.Instance, Options.Create(new OrleansOptions()));

    [Fact]
    public async Task A_call_turned_away_by_a_stopping_silo_is_sent_again_until_it_is_answered()
    {
        var call = new FakeCall(new SiloUnavailableException("shutting down"), Rejection());

        await _filter.Invoke(call);

        Assert.Equal(3, call.Attempts);
        Assert.Null(call.Response!.Exception);
    }

    [Fact]
    public async Task A_write_refused_as_stale_by_a_second_activation_is_sent_again()
    {
        // During a restart two activations of one grain may live for a moment; the stale one's write is refused.
        var call = new FakeCall(new Orleans.Storage.InconsistentStateException("Version conflict (WriteState)", "688", "687"));

        await _filter.Invoke(call);

        Assert.Equal(2, call.Attempts);
        Assert.Null(call.Response!.Exception);
    }

    [Fact]
    public async Task A_rejection_thrown_rather_than_returned_is_retried_too()
    {
        var call = new FakeCall(Rejection()) { Throw = true };

        await _filter.Invoke(call);

        Assert.Equal(2, call.Attempts);
    }

    [Fact]
    public async Task A_call_safe_to_repeat_whose_gateway_could_not_be_connected_to_is_sent_again()
    {
        // What a front meets when the gateway it sent through was killed and is not yet known dead: the call almost
        // always never left, and one safe to repeat goes again through another gateway.
        var filter = new TransientRetryFilter(NullLogger<TransientRetryFilter>.Instance, Options.Create(ShortAttempts));
        using var call = new CancellableCall(answerFrom: 2, failure: GatewayUnreachable());

        await filter.Invoke(call);

        Assert.Equal(2, call.Attempts);
        Assert.Null(call.Response!.Exception);
    }

    [Fact]
    public async Task Another_call_whose_gateway_could_not_be_connected_to_is_answered_at_once()
    {
        // A call re-routed from a connection that dropped may have run before its gateway became unreachable: a call
        // not known to be safe to repeat is not resent (the caller answers 503).
        var call = new FakeCall(GatewayUnreachable());

        await _filter.Invoke(call);

        Assert.Equal(1, call.Attempts);
        Assert.IsType<ConnectionFailedException>(call.Response!.Exception);
    }

    [Fact]
    public async Task A_call_made_while_no_silo_was_known_to_host_the_grain_is_sent_again()
    {
        // What Orleans throws when every silo the front knows is stopping or was just declared dead.
        var call = new FakeCall(new OrleansException("No active nodes are compatible with grain participant and interface rally.participant-grain version 0."));

        await _filter.Invoke(call);

        Assert.Equal(2, call.Attempts);
        Assert.Null(call.Response!.Exception);
    }

    [Fact]
    public async Task A_lost_call_is_sent_once_more_and_no_more()
    {
        var call = new FakeCall(new TimeoutException("1"), new TimeoutException("2"));

        await _filter.Invoke(call);

        Assert.Equal(2, call.Attempts);
        Assert.IsType<TimeoutException>(call.Response!.Exception);
    }

    [Fact]
    public async Task Refusals_of_the_grain_itself_are_not_repeated()
    {
        var call = new FakeCall(new InvalidOperationException("a rule"));

        await _filter.Invoke(call);

        Assert.Equal(1, call.Attempts);
        Assert.IsType<InvalidOperationException>(call.Response!.Exception);
    }

    [Fact]
    public async Task After_the_last_retry_the_caller_gets_the_failure()
    {
        var failures = Enumerable.Range(0, 20).Select(_ => (Exception)new SiloUnavailableException("down")).ToArray();
        var call = new FakeCall(failures) { Throw = true };

        await Assert.ThrowsAsync<SiloUnavailableException>(() => _filter.Invoke(call));
        Assert.Equal(11, call.Attempts);
    }

    [Fact]
    public async Task An_attempt_of_a_cancellable_call_unanswered_by_its_deadline_is_cancelled_and_sent_again()
    {
        var filter = new TransientRetryFilter(NullLogger<TransientRetryFilter>.Instance, Options.Create(ShortAttempts));
        using var call = new CancellableCall(answerFrom: 2);
        var clock = Stopwatch.StartNew();

        await filter.Invoke(call);

        Assert.Equal(2, call.Attempts);
        Assert.Null(call.Response!.Exception);
        Assert.InRange(clock.Elapsed, ShortAttempts.AttemptTimeout - TimeSpan.FromMilliseconds(50), ShortAttempts.ResponseTimeout);
        Assert.True(call.Tokens[0].IsCancellationRequested, "the first attempt was cancelled, so the silo is told");
        Assert.False(call.Tokens[1].IsCancellationRequested);
    }

    [Fact]
    public async Task An_attempt_in_flight_when_a_silo_is_lost_is_sent_again_at_once()
    {
        using var signal = new FakeSignal();
        var filter = new TransientRetryFilter(NullLogger<TransientRetryFilter>.Instance, Options.Create(new OrleansOptions()), signal);
        using var call = new CancellableCall(answerFrom: 2);
        var clock = Stopwatch.StartNew();

        var invoked = filter.Invoke(call);
        await call.FirstSent.Task;
        signal.Lose();
        await invoked;

        Assert.Equal(2, call.Attempts);
        Assert.Null(call.Response!.Exception);
        Assert.True(clock.Elapsed < new OrleansOptions().AttemptTimeout, $"resent after {clock.Elapsed}, not at once");
    }

    [Fact]
    public async Task A_cancellable_call_never_answered_fails_as_a_timeout_within_the_response_timeout()
    {
        // 300 ms attempts in 2 s: ~6 attempts, but a cold test process can stall the first for most of a second, so the
        // count is checked loosely and the cut-short attempts by their cancelled tokens.
        var options = new OrleansOptions { AttemptTimeout = TimeSpan.FromMilliseconds(300), ResponseTimeout = TimeSpan.FromSeconds(2) };
        var filter = new TransientRetryFilter(NullLogger<TransientRetryFilter>.Instance, Options.Create(options));
        using var call = new CancellableCall(answerFrom: int.MaxValue);
        var clock = Stopwatch.StartNew();

        await filter.Invoke(call);

        Assert.IsType<TimeoutException>(call.Response!.Exception);
        Assert.InRange(call.Attempts, 2, 8);
        Assert.All(call.Tokens, token => Assert.True(token.IsCancellationRequested, "every attempt was cut short at its deadline"));
        Assert.InRange(clock.Elapsed, options.ResponseTimeout, options.ResponseTimeout + TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task A_call_its_caller_cancelled_is_not_sent_again()
    {
        var filter = new TransientRetryFilter(NullLogger<TransientRetryFilter>.Instance, Options.Create(Short));
        using var caller = new CancellationTokenSource();
        using var call = new CancellableCall(answerFrom: int.MaxValue, callerToken: caller.Token);

        var invoked = filter.Invoke(call);
        await call.FirstSent.Task;
        await caller.CancelAsync();
        await invoked;

        Assert.Equal(1, call.Attempts);
        Assert.IsType<OperationCanceledException>(call.Response!.Exception);
    }

    [Fact]
    public async Task A_retry_waiting_its_turn_goes_at_once_when_a_silo_is_lost()
    {
        using var signal = new FakeSignal();
        var filter = new TransientRetryFilter(NullLogger<TransientRetryFilter>.Instance, Options.Create(new OrleansOptions()), signal);
        // Four rejections: 100 + 200 + 300 + 400 ms of pauses, unless the front learns of a lost silo meanwhile.
        var call = new FakeCall(Rejection(), Rejection(), Rejection(), Rejection());
        using var stop = new CancellationTokenSource();
        var losing = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                signal.Lose();
                await Task.Delay(10, CancellationToken.None);
            }
        });
        var clock = Stopwatch.StartNew();

        await filter.Invoke(call);
        await stop.CancelAsync();
        await losing;

        Assert.Equal(5, call.Attempts);
        Assert.Null(call.Response!.Exception);
        Assert.True(clock.Elapsed < TimeSpan.FromMilliseconds(700), $"retried over {clock.Elapsed}, not at once");
    }

    [Fact]
    public async Task Another_call_in_flight_when_a_silo_is_declared_dead_is_answered_at_once_as_lost()
    {
        using var signal = new FakeSignal();
        var filter = new TransientRetryFilter(NullLogger<TransientRetryFilter>.Instance, Options.Create(new OrleansOptions()), signal);
        var never = new TaskCompletionSource();
        var call = new FakeCall { Pending = never.Task };

        var invoked = filter.Invoke(call);
        signal.DeclareDead();

        var lost = await Assert.ThrowsAsync<CallLostException>(() => invoked);
        Assert.True(ClusterFailures.IsTransient(lost), "answered 503 with Retry-After");
        Assert.Equal(1, call.Attempts);
        never.SetException(new TimeoutException("its answer never came")); // observed by the filter, not left unobserved
    }

    private static ConnectionFailedException GatewayUnreachable() => new("Unable to connect to S127.0.0.1:34125:155145279, will retry after 484.9386ms");

    /// <summary>Orleans makes these itself (their constructors are internal), as a silo does when it turns a message away.</summary>
    private static OrleansMessageRejectionException Rejection() =>
        (OrleansMessageRejectionException)Activator.CreateInstance(typeof(OrleansMessageRejectionException),
            BindingFlags.NonPublic | BindingFlags.Instance, null, ["rejected"], null)!;

    /// <summary>A call that fails with the given exceptions, in order, then succeeds.</summary>
    private sealed class FakeCall(params Exception[] failures) : IOutgoingGrainCallContext
    {
        public int Attempts { get; private set; }
        public bool Throw { get; init; }

        /// <summary>When set, the call stays in flight until this completes.</summary>
        public Task? Pending { get; init; }

        public Task Invoke()
        {
            var attempt = Attempts++;
            if (Pending is not null)
            {
                return Pending;
            }
            if (attempt < failures.Length)
            {
                if (Throw)
                {
                    throw failures[attempt];
                }
                Response = Response.FromException(failures[attempt]);
            }
            else
            {
                Response = Response.FromResult("answered");
            }
            return Task.CompletedTask;
        }

        public Response? Response { get; set; }
        public object? Result { get => Response?.Result; set => Response = Response.FromResult(value); }
        public object Grain => this;
        public MethodInfo InterfaceMethod => typeof(FakeCall).GetMethod(nameof(Invoke))!;
        public string InterfaceName => "IFake";
        public string MethodName => "Call";
        public GrainInterfaceType InterfaceType => default;
        public IInvokable Request => throw new NotSupportedException();
        public GrainId? SourceId => null;
        public GrainId TargetId => default;
        public IGrainContext? SourceContext => null;
    }

    /// <summary>The shape of a grain method a front may send again by itself.</summary>
    private interface ICancellableGrain
    {
        Task<string> ReadAsync(string key, CancellationToken cancellationToken);
    }

    /// <summary>
    /// A call of <see cref="ICancellableGrain.ReadAsync"/> that stays in flight until its attempt's token is cancelled
    /// (then answered as Orleans answers a cancelled call), or fails at once with <c>failure</c> when one is given,
    /// except from attempt <c>answerFrom</c> on, which is answered.
    /// </summary>
    private sealed class CancellableCall(int answerFrom, Exception? failure = null, CancellationToken callerToken = default) : IOutgoingGrainCallContext, IDisposable
    {
        private readonly FakeRequest _request = new(callerToken);

        public int Attempts { get; private set; }
        public List<CancellationToken> Tokens { get; } = [];
        public TaskCompletionSource FirstSent { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task Invoke()
        {
            var attempt = ++Attempts;
            var token = (CancellationToken)_request.GetArgument(1)!;
            Tokens.Add(token);
            FirstSent.TrySetResult();
            if (attempt >= answerFrom)
            {
                Response = Response.FromResult("answered");
                return;
            }
            if (failure is not null)
            {
                Response = Response.FromException(failure);
                return;
            }
            var cancelled = new TaskCompletionSource();
            await using (token.Register(() => cancelled.TrySetResult()))
            {
                await cancelled.Task;
            }
            Response = Response.FromException(new OperationCanceledException(token));
        }

        public Response? Response { get; set; }
        public object? Result { get => Response?.Result; set => Response = Response.FromResult(value); }
        public object Grain => this;
        public MethodInfo InterfaceMethod => typeof(ICancellableGrain).GetMethod(nameof(ICancellableGrain.ReadAsync))!;
        public string InterfaceName => nameof(ICancellableGrain);
        public string MethodName => nameof(ICancellableGrain.ReadAsync);
        public GrainInterfaceType InterfaceType => default;
        public IInvokable Request => _request;
        public GrainId? SourceId => null;
        public GrainId TargetId => default;
        public IGrainContext? SourceContext => null;

        public void Dispose() => _request.Dispose();
    }

    /// <summary>The request of a <see cref="CancellableCall"/>: a key and a token, as Orleans' generated requests hold them.</summary>
    private sealed class FakeRequest(CancellationToken token) : IInvokable
    {
        private CancellationToken _token = token;

        public object? GetArgument(int index) => index == 0 ? "key" : _token;
        public void SetArgument(int index, object value) => _token = index == 1 ? (CancellationToken)value : _token;
        public int GetArgumentCount() => 2;
        public CancellationToken GetCancellationToken() => _token;
        public bool IsCancellable => true;
        public object? GetTarget() => null;
        public void SetTarget(ITargetHolder holder) => throw new NotSupportedException();
        public ValueTask<Response> Invoke() => throw new NotSupportedException();
        public string GetMethodName() => nameof(ICancellableGrain.ReadAsync);
        public string GetInterfaceName() => nameof(ICancellableGrain);
        public string GetActivityName() => "ICancellableGrain/ReadAsync";
        public MethodInfo GetMethod() => typeof(ICancellableGrain).GetMethod(nameof(ICancellableGrain.ReadAsync))!;
        public Type GetInterfaceType() => typeof(ICancellableGrain);
        public void Dispose()
        {
        }
    }

    /// <summary>A front's view of silos being lost, told by the test.</summary>
    private sealed class FakeSignal : ISiloLossSignal, IDisposable
    {
        private CancellationTokenSource _lost = new();
        private TaskCompletionSource _declared = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public CancellationToken Lost => _lost.Token;
        public Task DeclaredDead => _declared.Task;

        public void Lose() => Interlocked.Exchange(ref _lost, new CancellationTokenSource()).Cancel();

        public void DeclareDead()
        {
            Lose();
            Interlocked.Exchange(ref _declared, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).SetResult();
        }

        public void Dispose() => _lost.Dispose();
    }
}
