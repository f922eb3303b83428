using System.Reflection;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Serialization.Invocation;
using Rally.Api.Hosting;

namespace Rally.Tests.Operations;

/// <summary>A front resends calls the cluster turned away, resends a lost call once, and passes everything else through.</summary>
public sealed class TransientRetryFilterTests
{
    private readonly TransientRetryFilter _filter = new(NullLogger<TransientRetryFilter>.Instance);

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
        var failures = Enumerable.Range(0, 10).Select(_ => (Exception)new SiloUnavailableException("down")).ToArray();
        var call = new FakeCall(failures) { Throw = true };

        await Assert.ThrowsAsync<SiloUnavailableException>(() => _filter.Invoke(call));
        Assert.Equal(5, call.Attempts);
    }

    /// <summary>Orleans makes these itself (their constructors are internal), as a silo does when it turns a message away.</summary>
    private static OrleansMessageRejectionException Rejection() =>
        (OrleansMessageRejectionException)Activator.CreateInstance(typeof(OrleansMessageRejectionException),
            BindingFlags.NonPublic | BindingFlags.Instance, null, ["rejected"], null)!;

    /// <summary>A call that fails with the given exceptions, in order, then succeeds.</summary>
    private sealed class FakeCall(params Exception[] failures) : IOutgoingGrainCallContext
    {
        public int Attempts { get; private set; }
        public bool Throw { get; init; }

        public Task Invoke()
        {
            var attempt = Attempts++;
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
}
