using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Rally.Grains.Ingestion;

/// <summary>
/// Group commit for a silo's study sinks (see <see cref="StudySinkOptions"/>): batches from any sink wait
/// together, by size and by time, and are stored in one transaction. A caller's task completes when its
/// batches are durable, or faults so that the stream delivers them again.
/// </summary>
public sealed partial class StudyEventWriter : IAsyncDisposable
{
    public const string MeterName = "Rally.Sinks";

    private readonly IStudyEventStore _store;
    private readonly StudySinkOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<StudyEventWriter> _logger;
    private readonly Channel<Pending> _pending = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleWriter = false });
    private readonly Lazy<Task[]> _flushers;
    private readonly Histogram<int> _flushEvents;
    private readonly Histogram<double> _flushDuration;

    public StudyEventWriter(IStudyEventStore store, IOptions<StudySinkOptions> options, TimeProvider time, IMeterFactory meters, ILogger<StudyEventWriter> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(meters);
        _store = store;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _flushers = new(() => [.. Enumerable.Range(0, _options.ConcurrentFlushes).Select(_ => Task.Run(FlushLoopAsync))]);
        var meter = meters.Create(MeterName);
        _flushEvents = meter.CreateHistogram<int>("rally.sink.flush.events", "{event}", "Events written by one sink transaction");
        _flushDuration = meter.CreateHistogram<double>("rally.sink.flush.duration", "s", "Time one sink transaction took to commit");
    }

    /// <summary>Stores the batches with whatever else is waiting; completes when they are durable.</summary>
    public Task WriteAsync(IReadOnlyList<EventBatch> batches)
    {
        ArgumentNullException.ThrowIfNull(batches);
        _ = _flushers.Value;
        var pending = new Pending(batches, batches.Sum(b => b.Events.Length), _time.GetTimestamp());
        ObjectDisposedException.ThrowIf(!_pending.Writer.TryWrite(pending), this);
        return pending.Done.Task;
    }

    private async Task FlushLoopAsync()
    {
        var reader = _pending.Reader;
        while (await reader.WaitToReadAsync())
        {
            var group = await GatherAsync(reader);
            if (group.Count > 0)
            {
                await FlushAsync(group);
            }
        }
    }

    /// <summary>Takes waiting batches until there are enough events, or the oldest has waited long enough.</summary>
    private async Task<List<Pending>> GatherAsync(ChannelReader<Pending> reader)
    {
        var group = new List<Pending>();
        var events = 0;
        while (events < _options.FlushEvents)
        {
            if (reader.TryRead(out var next))
            {
                group.Add(next);
                events += next.Events;
                continue;
            }
            if (group.Count == 0)
            {
                return group; // another flusher took it
            }
            var wait = _options.FlushDelay - _time.GetElapsedTime(group[0].Since);
            if (wait <= TimeSpan.Zero)
            {
                break;
            }
            using var timeout = new CancellationTokenSource(wait, _time);
            try
            {
                if (!await reader.WaitToReadAsync(timeout.Token))
                {
                    break;
                }
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                break;
            }
        }
        return group;
    }

    private async Task FlushAsync(List<Pending> group)
    {
        var batches = group.Count == 1 ? group[0].Batches : [.. group.SelectMany(p => p.Batches)];
        var events = group.Sum(p => p.Events);
        var started = _time.GetTimestamp();
        try
        {
            var added = await _store.AppendAsync(batches);
            var elapsed = _time.GetElapsedTime(started);
            _flushEvents.Record(events);
            _flushDuration.Record(elapsed.TotalSeconds);
            LogFlushed(_logger, added, events, batches.Count, elapsed.TotalMilliseconds);
            group.ForEach(p => p.Done.TrySetResult());
        }
        catch (Exception e) when (group.Count > 1)
        {
            // One bad batch must not hold back the others: each is written again on its own.
            LogGroupFailed(_logger, e, group.Count);
            foreach (var pending in group)
            {
                await FlushAsync([pending]);
            }
        }
        catch (Exception e)
        {
            LogFlushFailed(_logger, e, events);
            group[0].Done.TrySetException(e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _pending.Writer.TryComplete();
        if (_flushers.IsValueCreated)
        {
            await Task.WhenAll(_flushers.Value);
        }
    }

    private sealed record Pending(IReadOnlyList<EventBatch> Batches, int Events, long Since)
    {
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    [LoggerMessage(EventId = 3003, Level = LogLevel.Debug, Message = "Stored {Added} of {Events} events from {Batches} batches in one transaction ({Milliseconds:F1} ms)")]
    private static partial void LogFlushed(ILogger logger, int added, int events, int batches, double milliseconds);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning, Message = "A transaction of {Requests} sink deliveries failed; writing each on its own")]
    private static partial void LogGroupFailed(ILogger logger, Exception exception, int requests);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Warning, Message = "Storing {Events} events failed; the stream will deliver them again")]
    private static partial void LogFlushFailed(ILogger logger, Exception exception, int events);
}
