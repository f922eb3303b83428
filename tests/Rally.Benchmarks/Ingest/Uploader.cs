using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Rally.Benchmarks.Ingest;

/// <summary>How one upload went: when it was sent and answered (<see cref="Stopwatch"/> timestamps), and what the API said.</summary>
internal sealed record UploadOutcome(long Started, long Answered, int Accepted, int Duplicates, int Attempts, string? Failure)
{
    public bool Acknowledged => Failure is null;

    public TimeSpan Latency => Stopwatch.GetElapsedTime(Started, Answered);
}

/// <summary>
/// Uploads the batches as add-ons do: many clients at once, each one participant sending one batch after
/// another, retrying (a bounded number of times) what was not answered or answered 429/5xx, each to its study
/// (<see cref="UploadBatch.StudyOf"/>).
/// </summary>
internal sealed class Uploader(Uri api, string[] studyIds, string[] tokens) : IDisposable
{
    private const int MaxAttempts = 5;

    private readonly HttpClient _http = new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = tokens.Length,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
    })
    {
        BaseAddress = api,
        Timeout = TimeSpan.FromSeconds(60),
    };

    private readonly Dictionary<string, Uri> _paths = studyIds.ToDictionary(studyId => studyId, studyId => new Uri($"/v1/studies/{studyId}/events", UriKind.Relative));

    /// <summary>Sends every batch; client <c>c</c> sends batches <c>c, c + clients, …</c> in turn.</summary>
    public async Task<UploadOutcome[]> RunAsync(IReadOnlyList<UploadBatch> batches)
    {
        var outcomes = new UploadOutcome[batches.Count];
        var clients = Enumerable.Range(0, tokens.Length).Select(client => Task.Run(async () =>
        {
            for (var b = client; b < batches.Count; b += tokens.Length)
            {
                outcomes[b] = await UploadAsync(batches[b], tokens[client]);
            }
        }));
        await Task.WhenAll(clients);
        return outcomes;
    }

    public void Dispose() => _http.Dispose();

    private async Task<UploadOutcome> UploadAsync(UploadBatch batch, string token)
    {
        var started = Stopwatch.GetTimestamp();
        string failure = "";
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, _paths[batch.StudyOf(studyIds)]) { Content = new ByteArrayContent(batch.Body) };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                using var response = await _http.SendAsync(request);
                var body = await response.Content.ReadAsByteArrayAsync();
                var answered = Stopwatch.GetTimestamp();
                if (response.StatusCode == HttpStatusCode.Accepted)
                {
                    using var json = JsonDocument.Parse(body);
                    return new UploadOutcome(started, answered, json.RootElement.GetProperty("accepted").GetInt32(),
                        json.RootElement.GetProperty("duplicates").GetInt32(), attempt, null);
                }
                failure = $"{(int)response.StatusCode} {System.Text.Encoding.UTF8.GetString(body)}";
                if (response.StatusCode != HttpStatusCode.TooManyRequests && (int)response.StatusCode < 500)
                {
                    return new UploadOutcome(started, answered, 0, 0, attempt, failure); // refused: retrying would not help
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                failure = e.Message;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(250 * attempt));
        }
        return new UploadOutcome(started, Stopwatch.GetTimestamp(), 0, 0, MaxAttempts, failure);
    }
}
