using System.Diagnostics;
using static Rally.Benchmarks.Infrastructure.Report;

namespace Rally.Benchmarks.Ingest;

/// <summary>The end-to-end run over time.</summary>
internal static class Timeline
{
    /// <summary>Events acknowledged and committed per second over the run, and the backlog between them.</summary>
    public static void Print(long start, IReadOnlyList<UploadOutcome> outcomes, IReadOnlyList<long> visibleAt, IReadOnlyList<UploadBatch> batches)
    {
        var end = visibleAt.Where(v => v != 0).DefaultIfEmpty(Stopwatch.GetTimestamp()).Max();
        var total = Stopwatch.GetElapsedTime(start, end).TotalSeconds;
        var step = Math.Max(1, (int)Math.Ceiling(total / 15));
        var buckets = (int)Math.Ceiling(total / step) + 1;
        var acked = new long[buckets];
        var committed = new long[buckets];
        for (var b = 0; b < outcomes.Count; b++)
        {
            if (outcomes[b].Acknowledged)
            {
                acked[Bucket(outcomes[b].Answered)] += outcomes[b].Accepted;
            }
            if (visibleAt[b] != 0)
            {
                committed[Bucket(visibleAt[b])] += batches[b].Ids.Length;
            }
        }
        Console.WriteLine($"  {"second",8}{"acked/s",10}{"committed/s",13}{"backlog",10}");
        long backlog = 0;
        for (var i = 0; i < buckets; i++)
        {
            backlog += acked[i] - committed[i];
            Console.WriteLine($"  {i * step,8}{N((double)acked[i] / step),10}{N((double)committed[i] / step),13}{N(backlog),10}");
        }

        int Bucket(long at) => Math.Clamp((int)(Stopwatch.GetElapsedTime(start, at).TotalSeconds / step), 0, buckets - 1);
    }
}
