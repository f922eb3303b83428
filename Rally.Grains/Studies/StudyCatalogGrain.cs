using Rally.Grains.Storage;

namespace Rally.Grains.Studies;

[GrainType("study-catalog")]
internal sealed class StudyCatalogGrain(
    [PersistentState("study-catalog", StorageNames.Rally)] IPersistentState<StudyCatalogState> store) : Grain, IStudyCatalogGrain
{
    public async Task PublishAsync(StudyView study)
    {
        var studies = store.State.Studies;
        bool changed;
        if (study.State is StudyLifecycle.Enrolling or StudyLifecycle.Paused or StudyLifecycle.Ended)
        {
            changed = studies.GetValueOrDefault(study.StudyId) != study;
            studies[study.StudyId] = study;
        }
        else
        {
            changed = studies.Remove(study.StudyId);
        }
        if (changed)
        {
            await store.WriteStateAsync();
        }
    }

    public Task<StudyView[]> ListAsync() =>
        Task.FromResult(store.State.Studies.Values.OrderBy(s => s.LaunchedAt).ToArray());
}
