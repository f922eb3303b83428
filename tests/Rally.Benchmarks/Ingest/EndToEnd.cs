using System.Diagnostics;
using Npgsql;

namespace Rally.Benchmarks.Ingest;

/// <summary>What the end-to-end phase measured.</summary>
internal sealed record EndToEndResult(
    long Start, long UploadsDone, long LastCommit, UploadOutcome[] Outcomes, long[] VisibleAt, long Polls, TimeSpan PollInterval, bool Drained)
{
    public long Acknowledged => Outcomes.Where(o => o.Acknowledged).Sum(o => (long)o.Accepted);

    public long Duplicates => Outcomes.Sum(o => (long)o.Duplicates);

    public int Refused => Outcomes.Count(o => !o.Acknowledged);

    public int Retried => Outcomes.Count(o => o.Attempts > 1);

    public TimeSpan UploadTime => Stopwatch.GetElapsedTime(Start, UploadsDone);

    public TimeSpan CommitTime => Stopwatch.GetElapsedTime(Start, LastCommit);

    /// <summary>From each upload's 202 to the moment all its events were visible committed.</summary>
    public IEnumerable<TimeSpan> AckToCommit => Outcomes
        .Select((o, b) => (o, b))
        .Where(x => x.o.Acknowledged && VisibleAt[x.b] != 0)
        .Select(x => Stopwatch.GetElapsedTime(x.o.Answered, VisibleAt[x.b]));
}

/// <summary>Uploads over HTTP and watches the events arrive in the study's store.</summary>
internal static class EndToEnd
{
    /// <summary>Uploads <paramref name="batches"/> spread over <paramref name="studyIds"/> and waits until every acknowledged event is committed.</summary>
    public static async Task<EndToEndResult> RunAsync(
        string connectionString, Uri api, string[] studyIds, string[] tokens, IReadOnlyList<UploadBatch> batches, TimeSpan drainTimeout)
    {
        var watcher = new CommitWatcher(connectionString, studyIds, batches);
        using var stopWatching = new CancellationTokenSource();
        var watching = watcher.RunAsync(stopWatching.Token);
        if (await Task.WhenAny(watcher.Ready, watching) == watching)
        {
            await watching; // failed before it could watch
        }
        using var uploader = new Uploader(api, studyIds, tokens);
        var start = Stopwatch.GetTimestamp();
        var outcomes = await uploader.RunAsync(batches);
        var uploadsDone = Stopwatch.GetTimestamp();
        watcher.Expect(outcomes.Where(o => o.Acknowledged).Sum(o => (long)o.Accepted));
        stopWatching.CancelAfter(drainTimeout);
        var drained = true;
        try
        {
            await watching;
        }
        catch (OperationCanceledException)
        {
            drained = false;
        }
        var lastCommit = watcher.VisibleAt.Where(v => v != 0).DefaultIfEmpty(uploadsDone).Max();
        return new EndToEndResult(start, uploadsDone, lastCommit, outcomes, watcher.VisibleAt, watcher.Polls, watcher.Interval,
            drained && !stopWatching.IsCancellationRequested);
    }

    /// <summary>Uploads a few batches to <paramref name="studyId"/> and waits until they are stored, so that nothing measured pays for JIT or first activations.</summary>
    public static Task WarmUpAsync(string connectionString, Uri api, string studyId, string[] tokens, IReadOnlyList<UploadBatch> batches) =>
        WarmUpAsync(connectionString, api, [studyId], tokens, batches);

    /// <summary>Uploads batches spread over <paramref name="studyIds"/> and waits until they are stored; returns the ids stored.</summary>
    public static async Task<HashSet<Guid>> WarmUpAsync(string connectionString, Uri api, string[] studyIds, string[] tokens, IReadOnlyList<UploadBatch> batches)
    {
        using var uploader = new Uploader(api, studyIds, tokens);
        var outcomes = await uploader.RunAsync(batches);
        if (outcomes.FirstOrDefault(o => !o.Acknowledged) is { } refused)
        {
            throw new InvalidOperationException($"A warm-up upload failed: {refused.Failure}");
        }
        // Every id, not the sum of "accepted": a retried upload whose first attempt was stored is answered as duplicates.
        var expected = batches.Sum(b => (long)b.Ids.Length);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 120;
        while (await StoredAsync(connection, studyIds) < expected)
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new TimeoutException($"The warm-up's {expected} events were not all stored within 120 s.");
            }
            await Task.Delay(100);
        }
        return [.. batches.SelectMany(b => b.Ids)];
    }

    public static Task<long> StoredAsync(NpgsqlConnection connection, string studyId) => StoredAsync(connection, [studyId]);

    public static async Task<long> StoredAsync(NpgsqlConnection connection, string[] studyIds)
    {
        await using var count = new NpgsqlCommand("SELECT count(*) FROM rally_study_events WHERE study_id = ANY($1)", connection)
        {
            Parameters = { new() { Value = studyIds } },
        };
        return (long)(await count.ExecuteScalarAsync())!;
    }
}
