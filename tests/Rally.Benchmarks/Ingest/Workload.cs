using System.Text;
using System.Text.Json;
using Rally.Tests.Infrastructure;

namespace Rally.Benchmarks.Ingest;

/// <summary>One upload, its request body serialized before the clock starts.</summary>
internal sealed record UploadBatch(int Index, int Client, Guid[] Ids, byte[] Body)
{
    /// <summary>The study this upload goes to when a run spreads its uploads over several: upload <c>i</c> to study <c>i % studies</c>.</summary>
    public string StudyOf(IReadOnlyList<string> studyIds) => studyIds[Index % studyIds.Count];
}

/// <summary>
/// The events of a run, made before anything is timed so that the benchmark's own CPU goes to sending,
/// not to encrypting or serializing: a pool of real JWEs (ECDH-ES + A256GCM to the study's key, by
/// jose-jwt, as an add-on would), 1–2 KB each, and one pre-serialized body per upload.
/// </summary>
internal static class Workload
{
    private static readonly string[] Words =
    [
        "search", "news", "weather", "recipe", "video", "review", "price", "login", "account", "article", "forum",
        "map", "school", "health", "travel", "music", "sports", "election", "climate", "privacy", "browser",
    ];

    /// <summary>Compact JWEs of realistic page-visit records, sized so the JWE is 1–2 KB.</summary>
    public static string[] MakePayloads(StudyKeyPair key, int count, Random random)
    {
        var payloads = new string[count];
        for (var i = 0; i < count; i++)
        {
            payloads[i] = key.Encrypt(PageVisit(random, targetBytes: random.Next(420, 1150)));
        }
        return payloads;
    }

    /// <summary>The uploads, in the order they are sent; upload <c>i</c> is sent by client <c>i % clients</c>.</summary>
    public static UploadBatch[] MakeBatches(BenchmarkOptions options, string[] payloads, Random random)
    {
        var batches = new UploadBatch[options.Batches];
        var now = DateTimeOffset.UtcNow;
        var sent = 0;
        for (var b = 0; b < batches.Length; b++)
        {
            var size = Math.Min(options.Batch, options.Events - sent);
            var ids = new Guid[size];
            using var body = new MemoryStream(size * 1800);
            using (var json = new Utf8JsonWriter(body))
            {
                json.WriteStartObject();
                json.WriteStartArray("events");
                for (var e = 0; e < size; e++)
                {
                    // Add-ons make random (v4) ids.
                    ids[e] = Guid.NewGuid();
                    json.WriteStartObject();
                    json.WriteString("id", ids[e]);
                    json.WriteString("type", random.Next(5) == 0 ? "search" : "page-visit");
                    json.WriteString("collectedAt", now.AddSeconds(-random.Next(1, 86_400)));
                    json.WriteBoolean("privateWindow", false);
                    json.WriteString("payload", payloads[random.Next(payloads.Length)]);
                    json.WriteEndObject();
                }
                json.WriteEndArray();
                json.WriteEndObject();
            }
            sent += size;
            batches[b] = new UploadBatch(b, b % options.Clients, ids, body.ToArray());
        }
        return batches;
    }

    /// <summary>A page visit as a web-science add-on records it, its description padded to about <paramref name="targetBytes"/>.</summary>
    private static string PageVisit(Random random, int targetBytes)
    {
        var path = string.Join('/', Enumerable.Range(0, random.Next(1, 5)).Select(_ => Words[random.Next(Words.Length)]));
        var start = DateTimeOffset.UtcNow.AddSeconds(-random.Next(86_400)).ToUnixTimeMilliseconds();
        var record = new Dictionary<string, object>
        {
            ["pageId"] = Guid.NewGuid(),
            ["url"] = $"https://www.{Words[random.Next(Words.Length)]}.example/{path}?q={random.Next()}",
            ["referrer"] = $"https://www.{Words[random.Next(Words.Length)]}.example/",
            ["pageVisitStartTime"] = start,
            ["pageVisitStopTime"] = start + random.Next(1_000, 600_000),
            ["attentionDuration"] = random.Next(0, 300_000),
            ["audioDuration"] = random.Next(0, 60_000),
            ["maxRelativeScrollDepth"] = Math.Round(random.NextDouble(), 3),
            ["title"] = string.Join(' ', Enumerable.Range(0, random.Next(3, 10)).Select(_ => Words[random.Next(Words.Length)])),
            ["description"] = "",
        };
        var size = JsonSerializer.SerializeToUtf8Bytes(record).Length;
        var description = new StringBuilder();
        while (size + description.Length < targetBytes)
        {
            description.Append(Words[random.Next(Words.Length)]).Append(' ');
        }
        record["description"] = description.ToString().TrimEnd();
        return JsonSerializer.Serialize(record);
    }
}
