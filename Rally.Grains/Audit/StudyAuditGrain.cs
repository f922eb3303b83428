using Rally.Grains.Storage;

namespace Rally.Grains.Audit;

[GrainType("study-audit")]
internal sealed class StudyAuditGrain(
    [PersistentState("study-audit", StorageNames.Rally)] IPersistentState<StudyAuditState> store) : Grain, IStudyAuditGrain
{
    public async Task RecordExportAsync(ExportRecord record)
    {
        store.State.Exports.Add(record);
        await store.WriteStateAsync();
    }

    public Task<ExportRecord[]> ListPageAsync(int skip, int limit) =>
        Task.FromResult(store.State.Exports.Skip(skip).Take(limit).ToArray());
}
