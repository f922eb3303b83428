using System.Net;
using System.Security.Cryptography;
using Rally.Tests.Infrastructure;

namespace Rally.Tests.ClientKit;

/// <summary>
/// The JavaScript client kit (<c>clients/js</c>) as an add-on and the participant page use it, against a real Rally: each
/// fact runs one file of its node tests (<c>node --test</c>), which join, enroll, send, and read back as researchers.
/// </summary>
[Collection(ClientKitCollection.Name)]
public sealed class ClientKitTests(ClientKitFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task The_kit_on_its_own_storages_hand_off_and_states() =>
        await ClientKitNode.TestAsync(fixture.Environment, Patience, "test/unit/file-storage.test.mjs", "test/unit/handoff.test.mjs", "test/unit/state.test.mjs");

    [Fact]
    public async Task An_add_on_joins_enrolls_sends_and_its_events_reach_the_researcher_decryptable_once_each() =>
        await ClientKitNode.TestAsync(fixture.Environment, Patience, "test/journey.test.mjs");

    [Fact]
    public async Task Uploads_refused_with_429_are_sent_again_after_Retry_After() =>
        await ClientKitNode.TestAsync(fixture.Environment, Patience, "test/rate-limit.test.mjs");

    [Fact]
    public async Task Pause_and_resume_flip_the_kits_state_live() =>
        await ClientKitNode.TestAsync(fixture.Environment, Patience, "test/pause.test.mjs");

    [Fact]
    public async Task An_event_queued_as_the_kit_learns_the_participant_left_is_not_kept() =>
        await ClientKitNode.TestAsync(fixture.Environment, Patience, "test/state-change.test.mjs");

    [Fact]
    public async Task Leaving_stops_collection_at_once_and_a_failed_leave_keeps_the_state_truthful() =>
        await ClientKitNode.TestAsync(fixture.Environment, Patience, "test/leave.test.mjs");

    [Fact]
    public async Task The_front_serves_the_built_kit_as_one_ES_module_revalidated_by_its_ETag()
    {
        using var http = fixture.Front.CreateClient(null);
        using var response = await http.GetAsync("/sdk/rally.js");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/javascript", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("no-cache", response.Headers.CacheControl?.ToString());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        var served = await response.Content.ReadAsByteArrayAsync();
        var built = await File.ReadAllBytesAsync(Path.Combine(ClientKitNode.Directory, "dist", "rally.js"));
        Assert.Equal(SHA256.HashData(built), SHA256.HashData(served));
        var text = System.Text.Encoding.UTF8.GetString(served);
        Assert.Contains("export{", text.Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.DoesNotContain("from\"jose\"", text, StringComparison.Ordinal); // self-contained: no bare imports left

        using var again = new HttpRequestMessage(HttpMethod.Get, "/sdk/rally.js");
        again.Headers.IfNoneMatch.Add(response.Headers.ETag!);
        using var revalidated = await http.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, revalidated.StatusCode);
    }
}
