using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Rally.Tests.Infrastructure;

namespace Rally.Tests.Operations;

/// <summary>
/// What add-ons and people do while silos come and go: uploaders send batches and resend the same batch until
/// it is acknowledged (as the add-on does); others join, enroll and leave. Every answer is recorded.
/// </summary>
internal sealed class FailoverLoad(RallyApi api, string studyId, StudyKeyPair key) : IDisposable
{
    private const int EventsPerBatch = 10;
    private const int MaxAttempts = 60;

    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _loops = [];
    private ConcurrentQueue<DateTime>[] _successes = [];

    public ConcurrentDictionary<Guid, bool> Acknowledged { get; } = new();

    /// <summary>Event ids sent at least once whose batch was never acknowledged (they may or may not be stored).</summary>
    public ConcurrentDictionary<Guid, bool> Unacknowledged { get; } = new();

    /// <summary>Every answer that was not a success: when, what (status code or exception type) and which phase.</summary>
    public ConcurrentQueue<(DateTime At, string What, string Phase)> Failures { get; } = new();

    /// <summary>Participants whose enrollment was acknowledged (201), with the deletion id when leaving was acknowledged too.</summary>
    public ConcurrentDictionary<TestParticipant, Guid?> Churned { get; } = new();

    public string Phase { get; set; } = "start";

    public async Task StartAsync(int uploaders, int churners)
    {
        var participants = new List<TestParticipant>();
        for (var i = 0; i < uploaders; i++)
        {
            var participant = await api.JoinAsync();
            await (await RallyApi.EnrollAsync(participant, studyId)).ShouldBeAsync(HttpStatusCode.Created);
            participants.Add(participant);
        }
        _successes = [.. Enumerable.Range(0, uploaders).Select(_ => new ConcurrentQueue<DateTime>())];
        _loops.AddRange(participants.Select((p, i) => Task.Run(() => UploadLoopAsync(p, i))));
        _loops.AddRange(Enumerable.Range(0, churners).Select(_ => Task.Run(ChurnLoopAsync)));
    }

    /// <summary>True once every uploader has had a batch acknowledged after <paramref name="since"/>.</summary>
    public bool AllUploadersServedSince(DateTime since) => ServedAgainAfter(since) is not null;

    /// <summary>
    /// How long after <paramref name="since"/> the last uploader to be served had its first batch acknowledged (each
    /// uploader's own clock reading at the 202), or null while one has not been yet.
    /// </summary>
    public TimeSpan? ServedAgainAfter(DateTime since)
    {
        var slowest = TimeSpan.Zero;
        foreach (var successes in _successes)
        {
            var first = successes.Where(t => t > since).DefaultIfEmpty().Min();
            if (first == default)
            {
                return null;
            }
            slowest = first - since > slowest ? first - since : slowest;
        }
        return slowest;
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_loops);
    }

    public void Dispose() => _stop.Dispose();

    private async Task UploadLoopAsync(TestParticipant participant, int index)
    {
        while (!_stop.IsCancellationRequested)
        {
            var ids = Enumerable.Range(0, EventsPerBatch).Select(_ => Guid.NewGuid()).ToArray();
            var body = new JsonObject
            {
                ["events"] = new JsonArray([.. ids.Select(id => (JsonNode)new JsonObject
                {
                    ["id"] = id.ToString(), ["type"] = "page-visit", ["collectedAt"] = DateTimeOffset.UtcNow.ToString("O"),
                    ["privateWindow"] = false, ["payload"] = key.Encrypt("{\"url\":\"https://example.org/\"}"),
                })]),
            };
            var acknowledged = false;
            for (var attempt = 0; attempt < MaxAttempts && !acknowledged; attempt++)
            {
                acknowledged = await SendAsync(() => participant.Client.PostAsJsonAsync($"/v1/studies/{studyId}/events", body), HttpStatusCode.Accepted);
            }
            foreach (var id in ids)
            {
                (acknowledged ? Acknowledged : Unacknowledged)[id] = true;
            }
            if (acknowledged)
            {
                _successes[index].Enqueue(DateTime.UtcNow);
            }
        }
    }

    private async Task ChurnLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TestParticipant? participant = null;
            while (participant is null && !_stop.IsCancellationRequested)
            {
                try
                {
                    using var response = await api.Anonymous.PostAsJsonAsync("/v1/participants", RallyApi.JoinBody());
                    if (response.StatusCode == HttpStatusCode.Created)
                    {
                        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
                        var token = (string)body["token"]!;
                        participant = new TestParticipant(Guid.Parse((string)body["participantId"]!), token, api.WithToken(token));
                        continue;
                    }
                    // Recorded as every other answer is, so the test's checks of 5xx answers see it.
                    Failures.Enqueue((DateTime.UtcNow, ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture)
                        + (response.Headers.RetryAfter is null ? "" : " retry-after"), Phase));
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    Failures.Enqueue((DateTime.UtcNow, "join: " + e.GetType().Name, Phase));
                }
                // Pacing of a client that was refused, as the add-on backs off.
                await Task.Delay(200);
            }
            if (participant is null)
            {
                return;
            }
            // A resent enrollment whose first try took effect is answered 200 (or 409): it took effect all the same.
            var enrolled = false;
            for (var attempt = 0; attempt < MaxAttempts && !enrolled; attempt++)
            {
                enrolled = await SendAsync(() => RallyApi.EnrollAsync(participant, studyId), HttpStatusCode.Created, HttpStatusCode.OK, HttpStatusCode.Conflict);
            }
            if (!enrolled)
            {
                continue;
            }
            Churned[participant] = null;
            for (var attempt = 0; attempt < MaxAttempts; attempt++)
            {
                HttpResponseMessage response;
                try
                {
                    response = await participant.Client.DeleteAsync($"/v1/me/enrollments/{studyId}");
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    Failures.Enqueue((DateTime.UtcNow, e.GetType().Name, Phase));
                    continue;
                }
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    Churned[participant] = Guid.Parse((string)(await response.Content.ReadFromJsonAsync<JsonObject>())!["deletionId"]!);
                    break;
                }
                Failures.Enqueue((DateTime.UtcNow, "leave " + (int)response.StatusCode, Phase));
                if (response.StatusCode == HttpStatusCode.NotFound)
                {
                    break; // the first try took effect but its answer was lost
                }
                await Task.Delay(200);
            }
        }
    }

    /// <summary>One request; true when answered with one of <paramref name="success"/>; failures are recorded and paced.</summary>
    private async Task<bool> SendAsync(Func<Task<HttpResponseMessage>> send, params HttpStatusCode[] success)
    {
        try
        {
            using var response = await send();
            if (success.Contains(response.StatusCode))
            {
                return true;
            }
            Failures.Enqueue((DateTime.UtcNow, ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture)
                + (response.Headers.RetryAfter is null ? "" : " retry-after"), Phase));
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            Failures.Enqueue((DateTime.UtcNow, e.GetType().Name, Phase));
        }
        // Pacing of a client that was refused, as the add-on backs off; not a wait for the system under test.
        await Task.Delay(200);
        return false;
    }
}
