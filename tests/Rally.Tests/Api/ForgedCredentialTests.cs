using System.Buffers.Text;
using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Rally.Tests.Infrastructure;

namespace Rally.Tests.Api;

/// <summary>
/// A made-up participant token or researcher key of the issued shape costs Rally a hash: it is refused with the usual
/// 401 problem before any grain is activated, and without a log line above Debug.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class ForgedCredentialTests(ApiFixture fixture)
{
    /// <summary>Lines every request gets from the host whatever its credential (Rally's settings keep them off).</summary>
    private const string RequestLines = "Microsoft.AspNetCore.Hosting.Diagnostics";

    [Fact]
    public async Task Ten_thousand_forged_participant_tokens_are_refused_without_activating_a_grain_or_logging()
    {
        await AssertRefusedQuietlyAsync("rp_", 10_000, "/v1/me");
    }

    [Fact]
    public async Task Forged_researcher_keys_are_refused_without_activating_a_grain_or_logging()
    {
        await AssertRefusedQuietlyAsync("rr_", 1_000, "/v1/studies/s-aaaaaaaaaaaaaaaaaaaaaaaa-aaaaaaaaaaaaaaaa/stats");
    }

    private async Task AssertRefusedQuietlyAsync(string prefix, int count, string path)
    {
        var logs = new CapturedLogs();
        await using var front = RallyApiFactory.Start(fixture.Cluster,
            services: s => s.AddLogging(l => l.AddProvider(logs).AddFilter<CapturedLogs>(null, LogLevel.Information)));
        var genuine = await new RallyApi(front).JoinAsync();
        await (await genuine.Client.GetAsync("/v1/me")).ShouldBeAsync(HttpStatusCode.OK);
        var ids = Enumerable.Range(0, count).Select(_ => Guid.NewGuid()).ToArray();
        var before = logs.Entries.Count;

        using var client = front.CreateClient();
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (id, cancel) =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Authorization = new("Bearer", Forged(prefix, id));
            using var response = await client.SendAsync(request, cancel);
            await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        });

        var active = (await fixture.Cluster.Client.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics())
            .Select(g => g.GrainId.Key.ToString()!).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var asked = ids.Where(id => active.Contains(id.ToString("N")) || active.Contains(id.ToString())).ToArray();
        Assert.True(asked.Length == 0, $"{asked.Length} grains were activated for forged credentials, e.g. {asked.FirstOrDefault()}");
        var lines = logs.Entries.Skip(before)
            .Where(e => !e.Contains(" scope: ", StringComparison.Ordinal) && !e.Contains($" {RequestLines}[", StringComparison.Ordinal))
            .Take(5).ToArray();
        Assert.True(lines.Length == 0, "Logged above Debug:\n" + string.Join("\n", lines));
    }

    /// <summary>A token of the issued shape (prefix, id, 256-bit secret, 128-bit MAC) with random content.</summary>
    private static string Forged(string prefix, Guid id) =>
        $"{prefix}{id:N}_{Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32))}_{Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16))}";
}
