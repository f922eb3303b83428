using System.Collections.Concurrent;

namespace Rally.Tests.Infrastructure;

/// <summary>
/// Makes chosen calls to chosen grains fail, as a silo in trouble would, so that a test can see what their caller does
/// then. Registered in the silos of <see cref="ApiFixture"/>; a fault is armed for one grain, so tests running beside
/// one another are not touched.
/// </summary>
internal sealed class InjectedFaults : IIncomingGrainCallFilter
{
    private static readonly ConcurrentDictionary<(GrainId Grain, string Method), Exception> Armed = new();

    /// <summary>Every call of <paramref name="method"/> on <paramref name="grain"/> throws <paramref name="exception"/> until the result is disposed.</summary>
    public static IDisposable Fail(GrainId grain, string method, Exception exception)
    {
        Armed[(grain, method)] = exception;
        return new Disarm(grain, method);
    }

    public Task Invoke(IIncomingGrainCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Armed.TryGetValue((context.TargetId, context.MethodName), out var exception) ? Task.FromException(exception) : context.Invoke();
    }

    private sealed class Disarm(GrainId grain, string method) : IDisposable
    {
        public void Dispose() => Armed.TryRemove((grain, method), out _);
    }
}
