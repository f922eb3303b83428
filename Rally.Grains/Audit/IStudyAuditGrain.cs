using Orleans.Concurrency;

namespace Rally.Grains.Audit;

/// <summary>The audit log of one study's data reads, keyed by study id; operators read it.</summary>
[Alias("rally.study-audit-grain")]
public interface IStudyAuditGrain : IGrainWithStringKey
{
    [Alias("record-export")]
    Task RecordExportAsync(ExportRecord record);

    /// <summary>At most <paramref name="limit"/> records from position <paramref name="skip"/> on: the log is only appended to, so positions stay put.</summary>
    [Alias("list-page"), ReadOnly]
    Task<ExportRecord[]> ListPageAsync(int skip, int limit);
}
