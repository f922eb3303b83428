using System.Diagnostics;
using System.Globalization;

namespace Rally.Benchmarks.Fanout;

/// <summary>When each of N receivers got one awaited message, measured from a start mark.</summary>
internal sealed class Arrivals
{
    private readonly long[] _at;
    private readonly TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _pending;
    private long _start;

    public Arrivals(int receivers)
    {
        _at = new long[receivers];
        _pending = receivers;
    }

    public void Start() => _start = Stopwatch.GetTimestamp();

    /// <summary>Records receiver <paramref name="index"/>'s arrival (the first one only).</summary>
    public void Arrived(int index)
    {
        if (Interlocked.CompareExchange(ref _at[index], Stopwatch.GetTimestamp(), 0) == 0 && Interlocked.Decrement(ref _pending) == 0)
        {
            _all.TrySetResult();
        }
    }

    /// <summary>The receivers whose arrival came more than <paramref name="milliseconds"/> after the start.</summary>
    public int[] Later(double milliseconds) =>
        [.. Enumerable.Range(0, _at.Length).Where(i => Stopwatch.GetElapsedTime(_start, _at[i]).TotalMilliseconds > milliseconds)];

    public async Task<Latencies> AllAsync(TimeSpan timeout)
    {
        try
        {
            await _all.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new InvalidOperationException($"{Volatile.Read(ref _pending)} of {_at.Length} receivers got nothing within {timeout.TotalSeconds} s.");
        }
        return new Latencies([.. _at.Select(t => Stopwatch.GetElapsedTime(_start, t).TotalMilliseconds).Order()]);
    }
}

/// <summary>Sorted latencies in milliseconds.</summary>
internal sealed record Latencies(double[] Sorted)
{
    public double P50 => At(0.50);

    public double P99 => At(0.99);

    public double Max => Sorted[^1];

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"p50 {P50,7:F1} ms   p99 {P99,7:F1} ms   max {Max,7:F1} ms");

    private double At(double quantile) => Sorted[Math.Clamp((int)Math.Ceiling(quantile * Sorted.Length) - 1, 0, Sorted.Length - 1)];
}
