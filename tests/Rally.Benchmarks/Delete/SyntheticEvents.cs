using System.Buffers.Text;
using Rally.Benchmarks.Infrastructure;

namespace Rally.Benchmarks.Delete;

/// <summary>
/// Made-up stored events for loading a study fast: the participants' real pseudonyms, random v4 ids, 80 %
/// <c>page-visit</c> and 20 % <c>search</c>, received in the past in load order, and payloads of random
/// base64url text of about 1.3 KB (what a JWE of a page visit looks like to the database: incompressible).
/// </summary>
internal static class SyntheticEvents
{
    /// <summary>Distinct payloads the rows share (so that a million rows need not hold a million strings).</summary>
    private const int PayloadPool = 4_096;

    public static string[] MakePayloads(Random random)
    {
        var payloads = new string[PayloadPool];
        for (var i = 0; i < payloads.Length; i++)
        {
            // 1,000–1,600 characters, 1,300 on average.
            var bytes = new byte[random.Next(750, 1_200)];
            random.NextBytes(bytes);
            payloads[i] = Base64Url.EncodeToString(bytes);
        }
        return payloads;
    }

    /// <summary>
    /// Each participant's share of rows, interleaved at random (as uploads from many browsers arrive), received
    /// evenly between <paramref name="from"/> and <paramref name="to"/> in the order returned.
    /// </summary>
    public static StoredRow[] Make(string studyId, IReadOnlyList<(string Participant, int Events)> shares, string[] payloads,
        Random random, DateTime from, DateTime to)
    {
        var owners = shares.SelectMany((share, p) => Enumerable.Repeat(p, share.Events)).ToArray();
        random.Shuffle(owners);
        var rows = new StoredRow[owners.Length];
        var step = (to - from) / Math.Max(owners.Length, 1);
        for (var i = 0; i < rows.Length; i++)
        {
            var receivedAt = from + (step * i);
            rows[i] = new StoredRow(studyId, Guid.NewGuid(), shares[owners[i]].Participant, random.Next(5) == 0 ? "search" : "page-visit",
                receivedAt.AddSeconds(-random.Next(1, 21_600)), receivedAt, false, payloads[random.Next(payloads.Length)]);
        }
        return rows;
    }
}
