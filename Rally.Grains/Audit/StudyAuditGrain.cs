using Rally.Grains.Storage;

namespace Rally.Grains.Audit;

[GrainType("study-audit")]
internal sealed class StudyAuditGrain(
    [PersistentState("study-audit", StorageNames.Rally)] IPersistentState<StudyAuditState> store) : Grain, IStudyAuditGrain
{
    /// <summary>The kind of records made before reads had one: they were all event exports.</summary>
    private const string EventsKind = "events";

    /// <summary>How many of the latest records a resent record is looked for among (reads of one study rarely overlap).</summary>
    private const int ResendWindow = 16;

    /// <summary>
    /// Appends the record, unless it is one of the latest already: a front resends a call lost with a silo, and the
    /// resend carries the very same record (its time to the tick), which no other read could.
    /// </summary>
    public async Task RecordExportAsync(ExportRecord record)
    {
        var log = store.State.Exports;
        if (log.Skip(Math.Max(0, log.Count - ResendWindow)).Contains(record))
        {
            return;
        }
        log.Add(record);
        await store.WriteStateAsync();
    }

    public Task<ExportRecord[]> ListPageAsync(int skip, int limit) =>
        Task.FromResult(store.State.Exports.Skip(skip).Take(limit).ToArray());

    public Task<DataReadPage> ListReadsAsync(ReadWindow[] windows, int skip, int limit)
    {
        ArgumentNullException.ThrowIfNull(windows);
        var log = store.State.Exports;
        var reads = new List<DataRead>();
        var position = Math.Max(skip, 0);
        for (; position < log.Count && reads.Count < limit; position++)
        {
            var record = log[position];
            if (windows.Any(w => record.At >= w.From && (w.Until is not { } until || record.At <= until)))
            {
                reads.Add(new DataRead(record.At, record.Kind ?? EventsKind, record.Events));
            }
        }
        return Task.FromResult(new DataReadPage([.. reads], position < log.Count ? position : null));
    }
}
