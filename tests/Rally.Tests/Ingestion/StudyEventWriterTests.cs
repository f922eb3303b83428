using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Rally.Grains.Ingestion;

namespace Rally.Tests.Ingestion;

/// <summary>The sinks' group commit flushes by size and by time, acknowledges only what was stored, and isolates a bad batch.</summary>
public sealed class StudyEventWriterTests : IAsyncDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly RecordingStore _store = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private StudyEventWriter? _writer;

    [Fact]
    public async Task Enough_waiting_events_are_flushed_together_without_waiting_for_the_delay()
    {
        var writer = Writer(flushEvents: 100, delay: TimeSpan.FromMinutes(1));
        _store.Hold();
        // The first batch is enough on its own; its flush is held open, so the next three gather behind it.
        var first = writer.WriteAsync([Batch(100)]);
        await _store.Started.Reader.ReadAsync().AsTask().WaitAsync(Wait);
        var rest = new[] { writer.WriteAsync([Batch(40)]), writer.WriteAsync([Batch(40)]), writer.WriteAsync([Batch(40)]) };
        _store.Release();

        await Task.WhenAll(rest.Append(first)).WaitAsync(Wait);

        // No fake time passed: the size alone started the second flush, which held all three.
        Assert.Equal([100, 120], _store.Flushes.Select(f => f.Sum(b => b.Events.Length)));
    }

    [Fact]
    public async Task A_lone_batch_waits_for_company_until_the_delay_has_passed()
    {
        var writer = Writer(flushEvents: 1000, delay: TimeSpan.FromMilliseconds(50));
        var lone = writer.WriteAsync([Batch(5)]);
        var second = writer.WriteAsync([Batch(5)]);

        Assert.False(lone.IsCompleted);
        // The writer arms its delay on its own thread, maybe only after a first advance: advance until the flush comes.
        var both = Task.WhenAll(lone, second);
        var deadline = DateTime.UtcNow + Wait;
        while (!both.IsCompleted && DateTime.UtcNow < deadline)
        {
            _time.Advance(TimeSpan.FromMilliseconds(50));
            await Task.WhenAny(both, Task.Delay(10));
        }
        await both.WaitAsync(Wait);

        Assert.Equal([10], _store.Flushes.Select(f => f.Sum(b => b.Events.Length)));
    }

    [Fact]
    public async Task A_failing_batch_fails_alone_and_the_others_are_stored()
    {
        var writer = Writer(flushEvents: 20, delay: TimeSpan.FromMinutes(1));
        var poison = Batch(10);
        _store.Poison = poison;
        var good = writer.WriteAsync([Batch(10)]);
        var bad = writer.WriteAsync([poison]);

        await good.WaitAsync(Wait);
        await Assert.ThrowsAsync<InvalidOperationException>(() => bad.WaitAsync(Wait));
        Assert.DoesNotContain(_store.Stored, b => ReferenceEquals(b, poison));
        Assert.Single(_store.Stored);
    }

    private StudyEventWriter Writer(int flushEvents, TimeSpan delay) =>
        _writer = new StudyEventWriter(_store, Options.Create(new StudySinkOptions { FlushEvents = flushEvents, FlushDelay = delay, ConcurrentFlushes = 1 }),
            _time, _services.GetRequiredService<IMeterFactory>(), NullLogger<StudyEventWriter>.Instance);

    private static EventBatch Batch(int events) =>
        new("study-writer", "p", DateTimeOffset.UtcNow,
            [.. Enumerable.Range(0, events).Select(_ => new StudyEvent(Guid.NewGuid(), "t", DateTimeOffset.UtcNow, false, "x"))]);

    public async ValueTask DisposeAsync()
    {
        _store.Release();
        if (_writer is not null)
        {
            await _writer.DisposeAsync();
        }
        await _services.DisposeAsync();
    }

    /// <summary>Records each transaction's batches; can hold a flush open, or fail every transaction holding one batch.</summary>
    private sealed class RecordingStore : IStudyEventStore
    {
        private TaskCompletionSource _gate = Open();

        public ConcurrentQueue<IReadOnlyList<EventBatch>> Flushes { get; } = new();
        public ConcurrentQueue<EventBatch> Stored { get; } = new();
        public System.Threading.Channels.Channel<int> Started { get; } = System.Threading.Channels.Channel.CreateUnbounded<int>();
        public EventBatch? Poison { get; set; }

        public void Hold() => _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public void Release() => _gate.TrySetResult();

        public async Task<int> AppendAsync(IReadOnlyList<EventBatch> batches, CancellationToken cancellationToken = default)
        {
            Started.Writer.TryWrite(batches.Count);
            await _gate.Task;
            if (Poison is { } poison && batches.Contains(poison))
            {
                throw new InvalidOperationException("poison");
            }
            Flushes.Enqueue(batches);
            foreach (var batch in batches)
            {
                Stored.Enqueue(batch);
            }
            return batches.Sum(b => b.Events.Length);
        }

        private static TaskCompletionSource Open()
        {
            var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            open.SetResult();
            return open;
        }

        public IAsyncEnumerable<StoredEvent> ReadAsync(string studyId, EventCursor after, int limit, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task<StudyEventStats> GetStatsAsync(string studyId, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<StudyEventStats> CountClippedAsync(string studyId, EventDomain domain, int perParticipant, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();
        public Task<long> DeleteParticipantAsync(string studyId, string participant, Guid deletionId, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task<int> PruneDeletedAsync(TimeSpan olderThan, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task DropStudyAsync(string studyId, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }
}
