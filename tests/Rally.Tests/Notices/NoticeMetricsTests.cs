using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Rally.Grains.Notices;
using Rally.Tests.Infrastructure;

namespace Rally.Tests.Notices;

/// <summary>Operators see the notices sent, by kind, named as participants see them (meter <c>Rally.Notices</c>).</summary>
[Collection(ApiCollection.Name)]
public sealed class NoticeMetricsTests(ApiFixture fixture)
{
    private static readonly string[] Kinds = ["study-ending", "study-ended", "consent-changed", "data-deleted", "study-paused", "study-resumed"];

    private readonly RallyApi _api = new(fixture);

    [Fact]
    public async Task Notices_sent_are_counted_by_kind_in_the_api_spelling()
    {
        var meters = fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<IMeterFactory>();
        using var sent = new MetricCollector<long>(meters, NoticeMetrics.MeterName, "rally.notices.sent");
        using var study = await IngestionScenario.StartAsync(_api);

        await _api.MoveAsync(study.StudyId, "end");
        // The end is answered once stored; the fan-out counts the notice when its inboxes have it. Notices of earlier
        // tests in the collection may still be counted meanwhile: wait for this one's kind, not for any measurement.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        // The measurement is the notice's recipients: this study has one (earlier studies may have had more).
        for (var seen = sent.GetMeasurementSnapshot(); !seen.Any(EndedForOne); seen = sent.GetMeasurementSnapshot())
        {
            await sent.WaitForMeasurementsAsync(seen.Count + 1, timeout.Token);
        }

        var measurements = sent.GetMeasurementSnapshot();
        Assert.Contains(measurements, EndedForOne);
        Assert.All(measurements, m => Assert.Contains((string?)m.Tags["kind"], Kinds));
    }

    private static bool EndedForOne(CollectedMeasurement<long> m) => m.Value == 1 && (string?)m.Tags["kind"] == "study-ended";
}
