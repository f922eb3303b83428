using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;
using Rally.Silo.Hosting;

namespace Rally.Silo.Streams;

/// <summary>
/// Makes the stream's dead letters visible: every <see cref="RallyStreamOptions.DeadLetterCheckInterval"/> it counts
/// this service's rows in <c>rally_stream_dead_letters</c>, warns when new ones appeared since the last look, and
/// reports the count as the <c>rally.stream.dead_letters</c> gauge (meter <c>Rally.Streams</c>), one measurement per
/// reason. Every silo reports the same count. Payloads are never read.
/// </summary>
internal sealed partial class DeadLetterMonitor : BackgroundService
{
    public const string MeterName = "Rally.Streams";
    public const string InstrumentName = "rally.stream.dead_letters";

    private const string CountSql = """
        SELECT reason, count(*), max(dead_letter_id), count(*) FILTER (WHERE dead_letter_id > @seen)
        FROM rally_stream_dead_letters
        WHERE service_id = @service
        GROUP BY reason
        """;

    private readonly NpgsqlDataSource _database;
    private readonly string _serviceId;
    private readonly TimeSpan _interval;
    private readonly TimeProvider _time;
    private readonly ILogger<DeadLetterMonitor> _logger;
    private DeadLetterCount? _last;
    private long _seen;

    public DeadLetterMonitor(
        NpgsqlDataSource database,
        IOptions<ClusterOptions> cluster,
        IOptions<RallyStreamOptions> options,
        IMeterFactory meters,
        TimeProvider time,
        ILogger<DeadLetterMonitor> logger)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(meters);
        _database = database;
        _serviceId = cluster.Value.ServiceId;
        _interval = options.Value.DeadLetterCheckInterval;
        _time = time;
        _logger = logger;
        meters.Create(MeterName).CreateObservableGauge(InstrumentName, Observe, unit: "{message}",
            description: "Stream messages held in rally_stream_dead_letters (exhausted attempts or expired undelivered), by reason.");
    }

    /// <summary>Counts the dead letters now, warning about new ones.</summary>
    /// <returns>The count, which the gauge reports from now on.</returns>
    public async Task<DeadLetterCount> CheckAsync(CancellationToken cancellationToken)
    {
        long exhausted = 0, expired = 0, fresh = 0, seen = Volatile.Read(ref _seen);
        await using (var command = _database.CreateCommand(CountSql))
        {
            command.Parameters.AddWithValue("seen", seen);
            command.Parameters.AddWithValue("service", _serviceId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var count = reader.GetInt64(1);
                if (reader.GetString(0) == "expired")
                {
                    expired += count;
                }
                else
                {
                    exhausted += count;
                }
                seen = Math.Max(seen, reader.GetInt64(2));
                fresh += reader.GetInt64(3);
            }
        }

        var current = new DeadLetterCount(exhausted, expired);
        Volatile.Write(ref _last, current);
        Volatile.Write(ref _seen, seen);
        if (fresh > 0)
        {
            LogNewDeadLetters(_logger, fresh, current.Total, exhausted, expired);
        }
        return current;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The first look waits one interval: the silo migrates the schema as it starts.
        using var timer = new PeriodicTimer(_interval, _time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await CheckAsync(stoppingToken);
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                // The database may be away for a while; the next tick tries again.
                LogCheckFailed(_logger, e);
            }
        }
    }

    private IEnumerable<Measurement<long>> Observe()
    {
        if (Volatile.Read(ref _last) is not { } last)
        {
            return [];
        }
        return
        [
            new Measurement<long>(last.Exhausted, new KeyValuePair<string, object?>("reason", "exhausted")),
            new Measurement<long>(last.Expired, new KeyValuePair<string, object?>("reason", "expired")),
        ];
    }

    [LoggerMessage(EventId = 4200, Level = LogLevel.Warning,
        Message = "{New} stream messages were dead-lettered since the last check: {Total} held in rally_stream_dead_letters ({Exhausted} exhausted, {Expired} expired)")]
    private static partial void LogNewDeadLetters(ILogger logger, long @new, long total, long exhausted, long expired);

    [LoggerMessage(EventId = 4201, Level = LogLevel.Warning, Message = "Could not count the stream's dead letters; trying again at the next check")]
    private static partial void LogCheckFailed(ILogger logger, Exception exception);
}

/// <summary>The dead letters held, by reason.</summary>
internal sealed record DeadLetterCount(long Exhausted, long Expired)
{
    public long Total => Exhausted + Expired;
}
