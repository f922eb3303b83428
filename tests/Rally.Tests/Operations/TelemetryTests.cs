using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Rally.Tests.Infrastructure;

namespace Rally.Tests.Operations;

/// <summary>With an OTLP endpoint configured, metrics (Rally's own among them) and traces reach the collector.</summary>
[Collection(EmbeddedApiCollection.Name)]
public sealed class TelemetryTests(EmbeddedApiFixture fixture)
{
    [Fact]
    public async Task Refused_uploads_are_counted_by_reason_and_requests_are_traced()
    {
        using var anonymous = fixture.Api.CreateClient();
        var join = await anonymous.PostAsJsonAsync("/v1/participants", RallyApi.JoinBody());
        Assert.Equal(HttpStatusCode.Created, join.StatusCode);
        using var participant = fixture.Api.CreateClient((string)(await join.Content.ReadFromJsonAsync<JsonObject>())!["token"]!);

        // Not enrolled in any study: refused before anything is queued.
        var upload = await participant.PostAsJsonAsync("/v1/studies/no-such-study/events", new
        {
            events = new[] { new { id = Guid.NewGuid(), type = "page-visit", collectedAt = DateTimeOffset.UtcNow, privateWindow = false, payload = "a.b.c.d.e" } },
        });
        Assert.Equal(HttpStatusCode.NotFound, upload.StatusCode);

        var metrics = await fixture.ExportAsync("/v1/metrics", "rally.events.refused", "not-enrolled");
        Assert.Contains("Rally.Ingestion", metrics.Body, StringComparison.Ordinal);
        var traces = await fixture.ExportAsync("/v1/traces", "/v1/studies/{studyId}/events");
        Assert.Contains("rally-api", traces.Body, StringComparison.Ordinal);
        // What a participant sent never leaves in telemetry.
        Assert.DoesNotContain(fixture.Received, r => r.Body.Contains("a.b.c.d.e", StringComparison.Ordinal));
    }
}
