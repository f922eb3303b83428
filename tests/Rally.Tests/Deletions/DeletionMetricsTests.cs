using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Rally.Grains.Deletions;
using Rally.Tests.Infrastructure;

namespace Rally.Tests.Deletions;

/// <summary>Operators see deletion requests by status as they are recorded and completed (meter <c>Rally.Deletions</c>).</summary>
[Collection(ApiCollection.Name)]
public sealed class DeletionMetricsTests(ApiFixture fixture)
{
    private readonly RallyApi _api = new(fixture);

    [Fact]
    public async Task Requests_are_counted_by_status_when_recorded_and_when_completed()
    {
        var meters = fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<IMeterFactory>();
        using var requested = new MetricCollector<long>(meters, DeletionMetrics.MeterName, "rally.deletions.requested");
        using var completed = new MetricCollector<long>(meters, DeletionMetrics.MeterName, "rally.deletions.completed");
        using var duration = new MetricCollector<double>(meters, DeletionMetrics.MeterName, "rally.deletions.duration");
        using var open = await IngestionScenario.StartAsync(_api);
        using var ended = await IngestionScenario.StartAsync(_api);
        await _api.MoveAsync(ended.StudyId, "end");

        var fromOpen = await (await open.Participant.Client.DeleteAsync($"/v1/me/enrollments/{open.StudyId}")).ShouldBeAsync(HttpStatusCode.OK);
        await RallyApi.DeletionWhenAsync(open.Participant.Client, (string)fromOpen["deletionId"]!, "completed");
        var fromEnded = await (await ended.Participant.Client.DeleteAsync($"/v1/me/enrollments/{ended.StudyId}")).ShouldBeAsync(HttpStatusCode.OK);
        await _api.MoveAsync(ended.StudyId, "complete-analysis");
        await RallyApi.DeletionWhenAsync(ended.Participant.Client, (string)fromEnded["deletionId"]!, "completed");

        Assert.Equal(["locked", "pending"], requested.GetMeasurementSnapshot().Select(m => m.Tags["status"] as string ?? "").Order().ToArray());
        Assert.Equal(["locked", "pending"], completed.GetMeasurementSnapshot().Select(m => m.Tags["status"] as string ?? "").Order().ToArray());
        Assert.Single(duration.GetMeasurementSnapshot());
    }
}
