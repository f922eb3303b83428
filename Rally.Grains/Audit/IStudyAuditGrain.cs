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

    /// <summary>
    /// The reads made within any of <paramref name="windows"/>, oldest first, scanning from position <paramref name="skip"/>
    /// on: at most <paramref name="limit"/>, without who read (what a participant may see of the log).
    /// </summary>
    [Alias("list-reads"), ReadOnly]
    Task<DataReadPage> ListReadsAsync(ReadWindow[] windows, int skip, int limit);
}
