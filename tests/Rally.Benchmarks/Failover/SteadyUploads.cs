using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Rally.Benchmarks.Failover;

/// <summary>
/// Uploaders as add-ons behave: each participant sends one batch after another and resends the same batch (same
/// event ids) until it is acknowledged, 100 ms after a failure. Every 202 and every failure is noted with its time
/// (<see cref="Stopwatch"/> timestamps), so that a kill round can tell when each uploader was served again.
/// </summary>
internal sealed class SteadyUploads(Uri api, string studyId, string[] tokens, string[] payloads, int batch) : IDisposable
{
    private static readonly TimeSpan Pacing = TimeSpan.FromMilliseconds(100);

    private readonly HttpClient _http = new(new SocketsHttpHandler { MaxConnectionsPerServer = tokens.Length })
    {
        BaseAddress = api,
        // Longer than the front takes to give up on a call (its response timeout, 10 s): an answer is always waited for.
        Timeout = TimeSpan.FromSeconds(30),
    };

    private readonly Uri _path = new($"/v1/studies/{studyId}/events", UriKind.Relative);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<long>[] _served = [.. tokens.Select(_ => new ConcurrentQueue<long>())];
    private readonly List<Task> _loops = [];

    /// <summary>Event ids of batches answered 202.</summary>
    public ConcurrentDictionary<Guid, bool> Acknowledged { get; } = new();

    /// <summary>Event ids of a batch sent at least once and never acknowledged (it may or may not be stored).</summary>
    public ConcurrentDictionary<Guid, bool> Unacknowledged { get; } = new();

    /// <summary>Answers that were not 202: when, and what (status code or exception type).</summary>
    public ConcurrentQueue<(long At, string What)> Failures { get; } = new();

    public void Start()
    {
        for (var i = 0; i < tokens.Length; i++)
        {
            var uploader = i;
            _loops.Add(Task.Run(() => UploadLoopAsync(uploader)));
        }
    }

    /// <summary>
    /// The time from <paramref name="since"/> until the last uploader had its first batch acknowledged after it, or null
    /// while one has not been.
    /// </summary>
    public TimeSpan? ServedAgainAfter(long since)
    {
        var slowest = TimeSpan.Zero;
        foreach (var served in _served)
        {
            var first = served.Where(t => t > since).DefaultIfEmpty(0).Min();
            if (first == 0)
            {
                return null;
            }
            var after = Stopwatch.GetElapsedTime(since, first);
            slowest = after > slowest ? after : slowest;
        }
        return slowest;
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_loops);
    }

    public void Dispose()
    {
        _stop.Dispose();
        _http.Dispose();
    }

    private async Task UploadLoopAsync(int uploader)
    {
        var random = new Random(uploader);
        while (!_stop.IsCancellationRequested)
        {
            var (ids, body) = Body(random);
            var acknowledged = false;
            // Bounded: a batch is given up after a minute of failures (the run then reports it as never acknowledged).
            for (var attempt = 0; attempt < 600 && !acknowledged && !_stop.IsCancellationRequested; attempt++)
            {
                acknowledged = await SendAsync(tokens[uploader], body);
                if (!acknowledged)
                {
                    await Task.Delay(Pacing);
                }
            }
            foreach (var id in ids)
            {
                (acknowledged ? Acknowledged : Unacknowledged)[id] = true;
            }
            if (acknowledged)
            {
                _served[uploader].Enqueue(Stopwatch.GetTimestamp());
            }
        }
    }

    private async Task<bool> SendAsync(string token, byte[] body)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, _path) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await _http.SendAsync(request);
            if (response.StatusCode == HttpStatusCode.Accepted)
            {
                return true;
            }
            Failures.Enqueue((Stopwatch.GetTimestamp(), ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            Failures.Enqueue((Stopwatch.GetTimestamp(), e.GetType().Name));
        }
        return false;
    }

    /// <summary>A batch of new events (random v4 ids, as add-ons make) with payloads from the pool of real JWEs.</summary>
    private (Guid[] Ids, byte[] Body) Body(Random random)
    {
        var ids = new Guid[batch];
        var now = DateTimeOffset.UtcNow;
        using var body = new MemoryStream(batch * 1800);
        using (var json = new Utf8JsonWriter(body))
        {
            json.WriteStartObject();
            json.WriteStartArray("events");
            for (var e = 0; e < batch; e++)
            {
                ids[e] = Guid.NewGuid();
                json.WriteStartObject();
                json.WriteString("id", ids[e]);
                json.WriteString("type", "page-visit");
                json.WriteString("collectedAt", now.AddSeconds(-random.Next(1, 3_600)));
                json.WriteBoolean("privateWindow", false);
                json.WriteString("payload", payloads[random.Next(payloads.Length)]);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return (ids, body.ToArray());
    }
}
