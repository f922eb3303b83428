using System.Collections.Concurrent;
using Orleans.Streams;
using Orleans.Streams.Core;

namespace Rally.Tests.Ingestion;

/// <summary>A test-only consumer: subscribed implicitly to <see cref="StreamProbe.Namespace"/>, it hands what it receives to <see cref="StreamProbe"/>.</summary>
[Alias("rally.tests.stream-probe")]
public interface IStreamProbeGrain : IGrainWithStringKey;

[ImplicitStreamSubscription(StreamProbe.Namespace), GrainType("rally-test-stream-probe")]
internal sealed class StreamProbeGrain : Grain, IStreamProbeGrain, IStreamSubscriptionObserver, IAsyncObserver<string>
{
    public async Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory)
    {
        ArgumentNullException.ThrowIfNull(handleFactory);
        await handleFactory.Create<string>().ResumeAsync(this);
    }

    public Task OnNextAsync(string item, StreamSequenceToken? token = null)
    {
        StreamProbe.Received(this.GetPrimaryKeyString(), item);
        return Task.CompletedTask;
    }

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex) => Task.CompletedTask;
}

/// <summary>What the probe grains received, by stream key (the test cluster runs in this process).</summary>
internal static class StreamProbe
{
    /// <summary>A namespace of the tests' own, apart from Rally's study streams.</summary>
    public const string Namespace = "rally-test-probe";

    private static readonly ConcurrentDictionary<string, TaskCompletionSource<string>> Deliveries = new();

    /// <summary>The first item delivered on the stream with this key.</summary>
    public static Task<string> FirstItemAsync(string key) => Delivery(key).Task;

    public static void Received(string key, string item) => Delivery(key).TrySetResult(item);

    private static TaskCompletionSource<string> Delivery(string key) =>
        Deliveries.GetOrAdd(key, _ => new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously));
}
