using Rally.Grains.Audit;
using Rally.Tests.Infrastructure;

namespace Rally.Tests.Grains;

/// <summary>What a participant may see of a study's audit log: the reads within its spans, page by page, never who read.</summary>
[Collection(ClusterCollection.Name)]
public sealed class StudyAuditGrainTests(ClusterFixture fixture)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Reads_within_the_spans_come_page_by_page_in_log_order_and_old_records_read_as_event_exports()
    {
        var audit = fixture.Client.GetGrain<IStudyAuditGrain>($"audit-{Guid.NewGuid():N}");
        for (var day = 0; day < 10; day++)
        {
            // Records made before reads had a kind (stored without one) count as event exports.
            var kind = day == 3 ? null! : day % 2 == 0 ? "events" : "demographics";
            await audit.RecordExportAsync(new ExportRecord(Guid.NewGuid(), T0.AddDays(day), "", day * 10, true, kind));
        }
        ReadWindow[] windows = [new(T0.AddDays(2), T0.AddDays(4)), new(T0.AddDays(8), null)];

        var reads = new List<DataRead>();
        var pages = 0;
        for (int? next = 0; next is { } skip; pages++)
        {
            var page = await audit.ListReadsAsync(windows, skip, 2);
            Assert.True(page.Reads.Length <= 2);
            reads.AddRange(page.Reads);
            next = page.Next;
        }

        Assert.Equal([2, 3, 4, 8, 9], reads.Select(r => (int)(r.At - T0).TotalDays).ToArray());
        Assert.Equal(["events", "events", "events", "events", "demographics"], reads.Select(r => r.Kind).ToArray());
        Assert.Equal([20L, 30, 40, 80, 90], reads.Select(r => r.Count).ToArray());
        Assert.True(pages >= 3);
        Assert.Empty((await audit.ListReadsAsync([new(T0.AddDays(20), null)], 0, 100)).Reads);
    }

    [Fact]
    public async Task A_record_sent_again_is_kept_once_and_another_read_alike_is_kept_too()
    {
        // A front resends a call lost with a silo: the same record, to the tick. A second read by the same researcher
        // a moment later differs at least in its time.
        var audit = fixture.Client.GetGrain<IStudyAuditGrain>($"audit-{Guid.NewGuid():N}");
        var researcher = Guid.NewGuid();
        var first = new ExportRecord(researcher, T0, "", 10, true);
        var other = new ExportRecord(Guid.NewGuid(), T0.AddTicks(1), "", 3, true);

        await audit.RecordExportAsync(first);
        await audit.RecordExportAsync(other);
        await audit.RecordExportAsync(first);
        await audit.RecordExportAsync(first with { At = T0.AddTicks(2) });

        Assert.Equal([first, other, first with { At = T0.AddTicks(2) }], await audit.ListPageAsync(0, 10));
    }
}
