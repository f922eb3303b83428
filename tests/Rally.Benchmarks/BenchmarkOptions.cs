using System.Globalization;

namespace Rally.Benchmarks;

/// <summary>The knobs of the ingest benchmark; the defaults make a run of one to three minutes on 2 cores.</summary>
internal sealed record BenchmarkOptions
{
    public const string Usage = """
        Usage: dotnet run -c Release --project tests/Rally.Benchmarks -- ingest [options]

          --events N         events uploaded end to end (default 200000)
          --clients C        concurrent HTTP clients, one participant each (default 32)
          --batch B          events per upload (default 50; the API takes at most 200)
          --studies S        studies the uploads are spread over, upload i to study i % S (default 1); every
                             client's participant is enrolled in each
          --silos S          Rally.Silo processes (default 2)
          --sink-writers W   concurrent writers in the sink-statement and small-COPY comparisons (default 4)
          --set Key=Value    extra configuration for every Rally process (repeatable), e.g.
                             --set Rally:Ingestion:StreamsPerStudy=8
          --npgsql "K=V;…"   Npgsql connection-string options for the Rally processes only, e.g.
                             "Max Auto Prepare=0" (the benchmark's own connections are unaffected)
          --drain-timeout S  seconds to wait after the last 202 for every event to be committed (default 300)
          --warm-up N        events uploaded to the measured studies before measuring (default a tenth of --events,
                             at least 4 uploads a client)
          --server-warm-up M megabytes written, read into shared_buffers and dropped before Rally starts, so that
                             every phase meets a server in its running state (default 1200, and 3 a thousand
                             events past 400000; 0 for none)
        """;

    public int Events { get; init; } = 200_000;

    public int Clients { get; init; } = 32;

    public int Batch { get; init; } = 50;

    public int Studies { get; init; } = 1;

    public int Silos { get; init; } = 2;

    public int SinkWriters { get; init; } = 4;

    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(300);

    /// <summary>Events uploaded before measuring; null for the default (<see cref="WarmUpEvents"/>).</summary>
    public int? WarmUp { get; init; }

    /// <summary>The warm-up's events: <see cref="WarmUp"/>, or a tenth of <see cref="Events"/> and at least 4 uploads a client.</summary>
    public int WarmUpEvents => WarmUp ?? Math.Max(Events / 10, Clients * Batch * 4);

    /// <summary>Megabytes the new server writes and reads before anything starts (<see cref="Infrastructure.DurablePostgres.WarmUpServerAsync"/>); 0 for none, null for the default.</summary>
    public int? ServerWarmUp { get; init; }

    /// <summary>
    /// <see cref="ServerWarmUp"/>, or 1,200 MB and 3 MB a thousand events past 400,000: the scratch table's WAL (≈ 1.1 MB a
    /// MB) stays above the end-to-end phase's own (≈ 2.5 KB an event), so that the phase never makes a WAL segment.
    /// </summary>
    public int ServerWarmUpMegabytes => ServerWarmUp ?? Math.Max(1200, Events / 1000 * 3);

    public IReadOnlyList<KeyValuePair<string, string>> Settings { get; init; } = [];

    public string RallyConnectionOptions { get; init; } = "";

    public int Batches => (Events + Batch - 1) / Batch;

    public static bool TryParse(ReadOnlySpan<string> args, out BenchmarkOptions options, out string error)
    {
        options = new BenchmarkOptions();
        var settings = new List<KeyValuePair<string, string>>();
        error = "";
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            if (i + 1 >= args.Length)
            {
                error = $"{name} needs a value.";
                return false;
            }
            var value = args[++i];
            if (name == "--npgsql")
            {
                options = options with { RallyConnectionOptions = value };
                continue;
            }
            if (name == "--set")
            {
                var equals = value.IndexOf('=', StringComparison.Ordinal);
                if (equals <= 0)
                {
                    error = "--set takes Key=Value.";
                    return false;
                }
                settings.Add(new(value[..equals], value[(equals + 1)..]));
                continue;
            }
            // Every count is at least 1, but the server's warm-up, which 0 turns off.
            var least = name == "--server-warm-up" ? 0 : 1;
            if (!int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) || number < least)
            {
                error = $"{name} takes a whole number of at least {least}, not '{value}'.";
                return false;
            }
            switch (name)
            {
                case "--events": options = options with { Events = number }; break;
                case "--clients": options = options with { Clients = number }; break;
                case "--batch": options = options with { Batch = number }; break;
                case "--studies": options = options with { Studies = number }; break;
                case "--silos": options = options with { Silos = number }; break;
                case "--sink-writers": options = options with { SinkWriters = number }; break;
                case "--drain-timeout": options = options with { DrainTimeout = TimeSpan.FromSeconds(number) }; break;
                case "--warm-up": options = options with { WarmUp = number }; break;
                case "--server-warm-up": options = options with { ServerWarmUp = number }; break;
                default:
                    error = $"Unknown option {name}.";
                    return false;
            }
        }
        options = options with { Settings = settings };
        if (options.Batch > 200 || options.Clients > 1000 || options.Silos > 4 || options.SinkWriters > 64 || options.Events > 10_000_000
            || options.Studies > 1000 || options.ServerWarmUpMegabytes > 8000)
        {
            error = "Out of range: at most 200 events a batch, 1000 clients, 4 silos, 64 sink writers, 10M events, 1000 studies and an 8000 MB server warm-up.";
            return false;
        }
        if (options.Studies > (options.WarmUpEvents + options.Batch - 1) / options.Batch)
        {
            error = "--studies exceeds the warm-up's uploads: each study needs at least one (raise --warm-up).";
            return false;
        }
        return true;
    }
}
