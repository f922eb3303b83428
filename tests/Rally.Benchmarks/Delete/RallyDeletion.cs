using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Rally.Benchmarks.Infrastructure;

namespace Rally.Benchmarks.Delete;

/// <summary>
/// One participant leaving a study through the API, as a client sees it: when the request was answered, when
/// <c>completed</c> was first seen, and what the study's ledger says it did (its clock is the machine's, as ours).
/// </summary>
internal sealed record RallyDeletionResult(
    Guid DeletionId,
    DateTimeOffset SentAt,
    TimeSpan Answered,
    TimeSpan Observed,
    int Polls,
    int FailedPolls,
    TimeSpan LastPoll,
    DateTimeOffset RequestedAt,
    DateTimeOffset CompletedAt)
{
    /// <summary>From the request leaving the client to the ledger recording it (front, participant and study grains).</summary>
    public TimeSpan ToLedger => RequestedAt - SentAt;

    /// <summary>The ledger's own time: from recording the request to marking it completed (the store's deletion in between).</summary>
    public TimeSpan InLedger => CompletedAt - RequestedAt;

    /// <summary>From the ledger marking it completed to a poll seeing it (the ledger's last writes, and polling).</summary>
    public TimeSpan AfterCompletion => SentAt + Observed - CompletedAt;
}

/// <summary>Leaves a study as the participant's client does: <c>DELETE /v1/me/enrollments/{id}</c>, then polls the request until it is completed.</summary>
internal static class RallyDeletion
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(300);

    /// <summary>Until the live notice arrives, the client still asks this often, in case the notice is lost.</summary>
    private static readonly TimeSpan NoticeFallback = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Leaves, then asks for the request's status every <paramref name="pollInterval"/> until it is completed; with
    /// <paramref name="notices"/>, only once the request's <c>data-deleted</c> notice has arrived (and every
    /// <see cref="NoticeFallback"/> before that).
    /// </summary>
    public static async Task<RallyDeletionResult> LeaveAsync(HttpClient http, string token, string studyId, TimeSpan pollInterval, DeletionNotices? notices = null)
    {
        var sentAt = DateTimeOffset.UtcNow;
        var started = Stopwatch.GetTimestamp();
        var receipt = await RallyDeployment.SendAsync(http, HttpMethod.Delete, token, $"/v1/me/enrollments/{studyId}");
        var answered = Stopwatch.GetElapsedTime(started);
        if ((string?)receipt["dataDeletion"] != "deleted")
        {
            throw new InvalidOperationException($"Leaving an enrolling study should delete the data; the API answered {receipt.ToJsonString()}.");
        }
        var deletionId = Guid.Parse((string)receipt["deletionId"]!);

        var polls = 0;
        var failed = 0;
        while (Stopwatch.GetElapsedTime(started) < Patience)
        {
            var pollStarted = Stopwatch.GetTimestamp();
            var view = await PollAsync(http, token, deletionId);
            polls++;
            if (view is null)
            {
                failed++;
            }
            else if ((string?)view["status"] == "completed")
            {
                return new RallyDeletionResult(deletionId, sentAt, answered, Stopwatch.GetElapsedTime(started), polls, failed,
                    Stopwatch.GetElapsedTime(pollStarted), view["requestedAt"]!.GetValue<DateTimeOffset>(), view["completedAt"]!.GetValue<DateTimeOffset>());
            }
            if (notices is not null && !notices.WhenDeleted(deletionId).IsCompleted)
            {
                await Task.WhenAny(notices.WhenDeleted(deletionId), Task.Delay(NoticeFallback));
                continue;
            }
            var wait = pollInterval - Stopwatch.GetElapsedTime(pollStarted);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }
        }
        throw new TimeoutException($"Deletion {deletionId} was not completed within {Patience.TotalSeconds} s ({polls} polls, {failed} failed).");
    }

    /// <summary>The request as its participant sees it, or null when the API did not answer 200 (retried by the caller, within its patience).</summary>
    private static async Task<JsonNode?> PollAsync(HttpClient http, string token, Guid deletionId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/me/deletions/{deletionId}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
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
