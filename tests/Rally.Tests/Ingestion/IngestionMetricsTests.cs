using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Rally.Api.Ingestion;
using Rally.Tests.Infrastructure;

namespace Rally.Tests.Ingestion;

/// <summary>Operators see events accepted, duplicated and refused by reason (meter <c>Rally.Ingestion</c>).</summary>
[Collection(ApiCollection.Name)]
public sealed class IngestionMetricsTests(ApiFixture fixture)
{
    private readonly RallyApi _api = new(fixture);

    [Fact]
    public async Task Accepted_duplicate_and_refused_events_are_counted()
    {
        var meters = fixture.Factory.Services.GetRequiredService<IMeterFactory>();
        using var accepted = new MetricCollector<long>(meters, IngestionMetrics.MeterName, "rally.events.accepted");
        using var duplicates = new MetricCollector<long>(meters, IngestionMetrics.MeterName, "rally.events.duplicates");
        using var refused = new MetricCollector<long>(meters, IngestionMetrics.MeterName, "rally.events.refused");
        using var study = await IngestionScenario.StartAsync(_api);
        var first = study.Event();

        await (await study.UploadAsync(first, study.Event())).ShouldBeAsync(HttpStatusCode.Accepted);
        await study.ExportWhenStoredAsync(2);
        await (await study.UploadAsync(first)).ShouldBeAsync(HttpStatusCode.Accepted);
        await (await study.UploadAsync(study.Event("undeclared-type"))).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-event");
        var stranger = await _api.JoinAsync();
        await (await study.UploadAsync(stranger.Client, study.Event())).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-enrolled");

        Assert.Equal(2, accepted.GetMeasurementSnapshot().EvaluateAsCounter());
        Assert.Equal(1, duplicates.GetMeasurementSnapshot().EvaluateAsCounter());
        var reasons = refused.GetMeasurementSnapshot().Select(m => m.Tags["reason"] as string ?? "").Order().ToArray();
        Assert.Equal(["invalid-event", "not-enrolled"], reasons);
    }
}
