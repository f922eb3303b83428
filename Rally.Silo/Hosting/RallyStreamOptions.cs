using System.ComponentModel.DataAnnotations;

namespace Rally.Silo.Hosting;

/// <summary>
/// The study-data stream (<see cref="Rally.Grains.Ingestion.RallyStreams.Provider"/>), bound from <c>Rally:Streams</c>.
/// Silos and API fronts of one deployment must agree on <see cref="Queues"/>: a front picks the queue a
/// stream's messages go to, the silos read the queues. The rest applies to the durable queue in PostgreSQL
/// (<c>deploy/sql/0005_streaming.sql</c>); the embedded default uses memory streams.
/// </summary>
public sealed class RallyStreamOptions
{
    public const string Section = "Rally:Streams";

    /// <summary>How many queues the streams are spread over; each is read by one silo at a time. Default 8.</summary>
    [Range(1, 1024)]
    public int Queues { get; set; } = 8;

    /// <summary>How often a message is handed out before it is dead-lettered as exhausted. Default 5.</summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 5;

    /// <summary>How long a handed-out message stays hidden from other readers before it is handed out again unless confirmed. Default 1 minute.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan VisibilityTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long a message may wait undelivered before it is dead-lettered as expired. Default 1 day: long
    /// enough to ride out an outage or a backlog, since an expired upload is not stored.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan ExpiryTimeout { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How long dead letters are kept for operators (<c>rally_stream_dead_letters</c>). Default 7 days.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "365.00:00:00")]
    public TimeSpan DeadLetterRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How often, at most, each queue is checked for exhausted and expired messages and old dead letters. Default 10 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan EvictionInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The most messages (and dead letters) one eviction moves (and removes). Default 1000.</summary>
    [Range(1, 100_000)]
    public int EvictionBatchSize { get; set; } = 1000;

    /// <summary>
    /// Messages a silo holds per queue, read ahead of delivery; it reads a tenth of this at a time. Default 512
    /// (an upload is ~80 KB, so up to ~40 MB per queue).
    /// </summary>
    [Range(16, 65_536)]
    public int CacheSize { get; set; } = 512;

    /// <summary>How often each silo counts the dead letters (a warning when new ones appeared; the <c>rally.stream.dead_letters</c> gauge). Default 30 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00")]
    public TimeSpan DeadLetterCheckInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a silo waits before reading a queue again once it found it empty (a queue with data is read
    /// again at once). Default 100 ms, Orleans' own.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Queued batches of one stream a sink receives in one delivery (and so may store in one transaction). Default 64:
    /// a stream's deliveries run one after another, so a backlog drains in fewer, larger transactions (an upload is at
    /// most 200 events, ~80 KB at the benchmark's payloads: ~5 MB a delivery).
    /// </summary>
    [Range(1, 1024)]
    public int DeliveryBatchSize { get; set; } = 64;

    /// <summary>
    /// How long a silo keeps retrying a delivery its sink fails (for example while the database is down) before it
    /// gives up on it. Default 1 day, as <see cref="ExpiryTimeout"/>: Orleans' own default of one minute would let
    /// an outage longer than that drop acknowledged uploads.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan MaxDeliveryTime { get; set; } = TimeSpan.FromDays(1);
}
