using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Rally.Benchmarks.Infrastructure;

namespace Rally.Benchmarks.Purge;

/// <summary>
/// A study's analysis completed through the API, as its operator's client sees it: when the request was answered,
/// when the ledger's <c>droppedAt</c> was first seen, and the ledger's own times (the machine's clock, as ours).
/// </summary>
internal sealed record RallyPurgeResult(
    DateTimeOffset SentAt, TimeSpan Answered, TimeSpan Observed, int Polls, int FailedPolls, DateTimeOffset DropRequestedAt, DateTimeOffset DroppedAt)
{
    /// <summary>From the request leaving the client to the ledger recording the drop (front, study grain: demographics purged, move stored).</summary>
    public TimeSpan ToLedger => DropRequestedAt - SentAt;

    /// <summary>The ledger's own time: from recording the drop to marking it done (reminder, timer, the store's drop, dead letters).</summary>
    public TimeSpan InLedger => DroppedAt - DropRequestedAt;

    /// <summary>From the ledger marking it dropped to a poll seeing it.</summary>
    public TimeSpan AfterDrop => SentAt + Observed - DroppedAt;
}

/// <summary>
/// Completes an ended study's analysis as its operator does (<c>POST /v1/studies/{id}/complete-analysis</c>), then reads
/// the study's deletion ledger until it reports the raw data dropped (<c>droppedAt</c>).
/// </summary>
internal static class RallyPurge
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(300);

    public static async Task<RallyPurgeResult> CompleteAnalysisAsync(HttpClient http, string studyId, TimeSpan pollInterval)
    {
        var sentAt = DateTimeOffset.UtcNow;
        var started = Stopwatch.GetTimestamp();
        var study = await RallyDeployment.SendAsync(http, HttpMethod.Post, RallyDeployment.OperatorKey, $"/v1/studies/{studyId}/complete-analysis", new { });
        var answered = Stopwatch.GetElapsedTime(started);
        if ((string?)study["state"] != "analysis-complete")
        {
            throw new InvalidOperationException($"Completing the analysis of an ended study should move it; the API answered {study.ToJsonString()}.");
        }
        var polls = 0;
        var failed = 0;
        while (Stopwatch.GetElapsedTime(started) < Patience)
        {
            var pollStarted = Stopwatch.GetTimestamp();
            var ledger = await PollAsync(http, studyId);
            polls++;
            if (ledger is null)
            {
                failed++;
            }
            else if (ledger["droppedAt"] is { } dropped)
            {
                return new RallyPurgeResult(sentAt, answered, Stopwatch.GetElapsedTime(started), polls, failed,
                    ledger["dropRequestedAt"]!.GetValue<DateTimeOffset>(), dropped.GetValue<DateTimeOffset>());
            }
            var wait = pollInterval - Stopwatch.GetElapsedTime(pollStarted);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }
        }
        throw new TimeoutException($"Study {studyId} was not reported dropped within {Patience.TotalSeconds} s ({polls} polls, {failed} failed).");
    }

    /// <summary>The study's ledger, first page of one request (the drop's times are on every page), or null when the API did not answer 200.</summary>
    private static async Task<JsonNode?> PollAsync(HttpClient http, string studyId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/studies/{studyId}/deletions?limit=1");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", RallyDeployment.OperatorKey);
        try
        {
            using var response = await http.SendAsync(request);
            return response.IsSuccessStatusCode ? JsonNode.Parse(await response.Content.ReadAsStringAsync()) : null;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }
}
