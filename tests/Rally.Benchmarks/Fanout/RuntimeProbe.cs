using System.Diagnostics;
using System.Globalization;

namespace Rally.Benchmarks.Fanout;

/// <summary>
/// What a .NET process's runtime does, sampled every <see cref="Interval"/> on a thread of its own: total GC pause
/// time (<see cref="GC.GetTotalPauseDuration"/>), collections per generation, thread-pool threads and queued work
/// items, and how late a work item queued to the thread pool ran (its dispatch delay: a starved pool shows here
/// first). The Rally processes and the raw hub load it as a startup hook (<c>DOTNET_STARTUP_HOOKS</c>, see
/// <c>StartupHook</c>) and write a line per sample to <c>$RALLY_BENCH_PROBE_DIR/probe-{pid}.csv</c>; the benchmark
/// samples itself in memory. Times are Unix milliseconds, one clock for every process on the machine.
/// </summary>
internal sealed class RuntimeProbe
{
    public const string DirectoryVariable = "RALLY_BENCH_PROBE_DIR";
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(10);

    private readonly Action<Sample> _record;
    private long _maxDispatchTicks;

    private RuntimeProbe(Action<Sample> record) => _record = record;

    /// <summary>Starts sampling into the file named for this process under <paramref name="directory"/>.</summary>
    public static void StartToFile(string directory)
    {
        var writer = new StreamWriter(Path.Combine(directory, $"probe-{Environment.ProcessId}.csv")) { AutoFlush = false };
        var flushed = Stopwatch.StartNew();
        new RuntimeProbe(sample =>
        {
            writer.WriteLine(sample.ToCsv());
            if (flushed.ElapsedMilliseconds >= 200)
            {
                writer.Flush();
                flushed.Restart();
            }
        }).Start();
    }

    /// <summary>Starts sampling into memory (the benchmark's own process); read with <see cref="Between"/>.</summary>
    public static InMemory StartInMemory()
    {
        var memory = new InMemory();
        new RuntimeProbe(sample =>
        {
            lock (memory.Samples)
            {
                memory.Samples.Add(sample);
            }
        }).Start();
        return memory;
    }

    /// <summary>The samples of a probe file (those written so far).</summary>
    public static IReadOnlyList<Sample> Read(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var samples = new List<Sample>();
        while (reader.ReadLine() is { } line)
        {
            if (Sample.TryParse(line) is { } sample)
            {
                samples.Add(sample);
            }
        }
        return samples;
    }

    /// <summary>What happened in a process between two instants, from its samples.</summary>
    public static Window Between(IReadOnlyList<Sample> samples, long fromUnixMs, long toUnixMs)
    {
        var before = samples.LastOrDefault(s => s.AtUnixMs <= fromUnixMs) ?? (samples.Count > 0 ? samples[0] : null);
        var inside = samples.Where(s => s.AtUnixMs > fromUnixMs && s.AtUnixMs <= toUnixMs + Interval.Milliseconds).ToArray();
        if (before is null || inside.Length == 0)
        {
            return new Window(0, 0, 0, 0, 0, 0, 0);
        }
        var last = inside[^1];
        return new Window(
            last.GcPauseMs - before.GcPauseMs,
            last.Gen0 - before.Gen0,
            last.Gen1 - before.Gen1,
            last.Gen2 - before.Gen2,
            inside.Max(s => s.QueuedWorkItems),
            inside.Max(s => s.Threads),
            inside.Max(s => s.MaxDispatchDelayMs));
    }

    private void Start()
    {
        var thread = new Thread(Run) { IsBackground = true, Name = "rally-bench-probe", Priority = ThreadPriority.AboveNormal };
        thread.Start();
    }

    private void Run()
    {
        while (true)
        {
            var queued = Stopwatch.GetTimestamp();
            ThreadPool.UnsafeQueueUserWorkItem(static state =>
            {
                var (probe, at) = ((RuntimeProbe, long))state!;
                var delay = Stopwatch.GetTimestamp() - at;
                long seen;
                while (delay > (seen = Volatile.Read(ref probe._maxDispatchTicks))
                    && Interlocked.CompareExchange(ref probe._maxDispatchTicks, delay, seen) != seen)
                {
                }
            }, (this, queued));
            Thread.Sleep(Interval);
            var maxDispatch = Interlocked.Exchange(ref _maxDispatchTicks, 0);
            _record(new Sample(
                DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
                GC.GetTotalPauseDuration().TotalMilliseconds,
                GC.CollectionCount(0),
                GC.CollectionCount(1),
                GC.CollectionCount(2),
                ThreadPool.PendingWorkItemCount,
                ThreadPool.ThreadCount,
                maxDispatch * 1000.0 / Stopwatch.Frequency));
        }
    }

    /// <summary>One sample: cumulative GC figures, the thread pool now, the largest dispatch delay since the last sample.</summary>
    internal sealed record Sample(long AtUnixMs, double GcPauseMs, int Gen0, int Gen1, int Gen2, long QueuedWorkItems, int Threads, double MaxDispatchDelayMs)
    {
        public string ToCsv() => string.Create(CultureInfo.InvariantCulture,
            $"{AtUnixMs},{GcPauseMs:F3},{Gen0},{Gen1},{Gen2},{QueuedWorkItems},{Threads},{MaxDispatchDelayMs:F3}");

        public static Sample? TryParse(string line)
        {
            var f = line.Split(',');
            var c = CultureInfo.InvariantCulture;
            return f.Length == 8
                && long.TryParse(f[0], c, out var at) && double.TryParse(f[1], c, out var gc)
                && int.TryParse(f[2], c, out var g0) && int.TryParse(f[3], c, out var g1) && int.TryParse(f[4], c, out var g2)
                && long.TryParse(f[5], c, out var queued) && int.TryParse(f[6], c, out var threads) && double.TryParse(f[7], c, out var delay)
                ? new Sample(at, gc, g0, g1, g2, queued, threads, delay)
                : null;
        }
    }

    /// <summary>A process over one round: GC pause and collections in it, and the thread pool at its worst.</summary>
    internal sealed record Window(double GcPauseMs, int Gen0, int Gen1, int Gen2, long MaxQueued, int MaxThreads, double MaxDispatchDelayMs)
    {
        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"GC {GcPauseMs,6:F1} ms ({Gen0}/{Gen1}/{Gen2})  queue {MaxQueued,5}  threads {MaxThreads,3}  dispatch {MaxDispatchDelayMs,6:F1} ms");
    }

    /// <summary>The benchmark's own samples.</summary>
    internal sealed class InMemory
    {
        public List<Sample> Samples { get; } = [];

        public IReadOnlyList<Sample> Snapshot()
        {
            lock (Samples)
            {
                return [.. Samples];
            }
        }
    }
}
