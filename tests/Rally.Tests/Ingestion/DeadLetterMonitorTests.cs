using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Orleans.Configuration;
using Rally.Silo.Hosting;
using Rally.Silo.Schema;
using Rally.Silo.Streams;
using Rally.Tests.Infrastructure;

namespace Rally.Tests.Ingestion;

/// <summary>Operators see dead letters: the silos' monitor counts them, warns about new ones and reports a gauge.</summary>
[Collection(PostgresCollection.Name)]
public sealed class DeadLetterMonitorTests(PostgresServer server) : IAsyncLifetime
{
    private const string Service = "rally-monitored";
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly WarningLog _log = new();
    private NpgsqlDataSource? _dataSource;
    private StreamQueries _queries = null!;
    private StreamQueries _otherService = null!;

    private IMeterFactory Meters => _services.GetRequiredService<IMeterFactory>();

    public async Task InitializeAsync()
    {
        var database = await server.CreateDatabaseAsync();
        await SchemaMigrator.MigrateAsync(database, NullLogger.Instance);
        _dataSource = NpgsqlDataSource.Create(database);
        _queries = await StreamQueries.LoadAsync(database, Service);
        _otherService = await StreamQueries.LoadAsync(database, "rally-other-service");
    }

    public async Task DisposeAsync()
    {
        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync();
        }
        await _services.DisposeAsync();
    }

    [Fact]
    public async Task New_dead_letters_are_counted_by_reason_reported_as_a_gauge_and_warned_about_once()
    {
        using var monitor = Monitor(TimeProvider.System);
        var before = await monitor.CheckAsync(CancellationToken.None);
        var gaugeBefore = ReadGauge();
        await DeadLetterAsync(_queries, "exhausted");
        await DeadLetterAsync(_queries, "expired");
        await DeadLetterAsync(_queries, "exhausted");
        await DeadLetterAsync(_otherService, "exhausted");

        var after = await monitor.CheckAsync(CancellationToken.None);
        var warnings = _log.Messages.ToList();
        var unchanged = await monitor.CheckAsync(CancellationToken.None);

        Assert.Equal(new DeadLetterCount(0, 0), before);
        Assert.Equal(new Dictionary<string, long> { ["exhausted"] = 0, ["expired"] = 0 }, gaugeBefore);
        Assert.Equal(new DeadLetterCount(Exhausted: 2, Expired: 1), after);
        Assert.Equal(new Dictionary<string, long> { ["exhausted"] = 2, ["expired"] = 1 }, ReadGauge());
        var warning = Assert.Single(warnings);
        Assert.Contains("3 stream messages were dead-lettered", warning, StringComparison.Ordinal);
        Assert.Equal(after, unchanged);
        Assert.Single(_log.Messages);
    }

    [Fact]
    public void The_gauge_reports_nothing_before_the_first_count()
    {
        using var monitor = Monitor(TimeProvider.System);

        Assert.Empty(ReadGauge());
    }

    [Fact]
    public async Task Running_in_a_silo_it_counts_again_every_interval()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var monitor = Monitor(time);
        await monitor.StartAsync(CancellationToken.None);
        await DeadLetterAsync(_queries, "expired");

        var warned = _log.NextAsync();
        time.Advance(Interval);
        var warning = await warned.WaitAsync(TimeSpan.FromSeconds(30));
        await monitor.StopAsync(CancellationToken.None);

        Assert.Contains("1 stream messages were dead-lettered", warning, StringComparison.Ordinal);
        Assert.Equal(new Dictionary<string, long> { ["exhausted"] = 0, ["expired"] = 1 }, ReadGauge());
    }

    private DeadLetterMonitor Monitor(TimeProvider time) =>
        new(_dataSource!, Options.Create(new ClusterOptions { ServiceId = Service }),
            Options.Create(new RallyStreamOptions { DeadLetterCheckInterval = Interval }), Meters, time, _log);

    /// <summary>Makes one dead letter of the service through the provider's own queries, on a queue of its own.</summary>
    private static async Task DeadLetterAsync(StreamQueries queries, string reason)
    {
        var queue = $"rally-events-{Guid.NewGuid():N}";
        if (reason == "expired")
        {
            await queries.QueueAsync(queue, [1, 2, 3], expiryTimeout: 0);
            await queries.GetAsync(queue);                          // the queue's first read evicts
            return;
        }
        var message = await queries.QueueAsync(queue, [1, 2, 3]);
        await queries.GetAsync(queue, maxAttempts: 1);
        await queries.FailAsync(queue, message.MessageId, maxAttempts: 1);
    }

    /// <summary>The monitor's gauge, by reason, from this test's meter factory only.</summary>
    private Dictionary<string, long> ReadGauge()
    {
        var values = new Dictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, Meters) && instrument.Meter.Name == DeadLetterMonitor.MeterName &&
                instrument.Name == DeadLetterMonitor.InstrumentName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "reason")
                {
                    values[(string)tag.Value!] = value;
                }
            }
        });
        listener.Start();
        listener.RecordObservableInstruments();
        return values;
    }

    /// <summary>Keeps the warnings the monitor logs.</summary>
    private sealed class WarningLog : ILogger<DeadLetterMonitor>
    {
        private readonly ConcurrentQueue<string> _messages = new();
        private TaskCompletionSource<string> _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public IEnumerable<string> Messages => _messages;

        public Task<string> NextAsync() => Volatile.Read(ref _next).Task;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }
            var message = formatter(state, exception);
            _messages.Enqueue(message);
            Interlocked.Exchange(ref _next, new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult(message);
        }
    }
}
