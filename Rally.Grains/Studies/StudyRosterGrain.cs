using Orleans.Concurrency;
using Rally.Grains.Storage;

namespace Rally.Grains.Studies;

[GrainType("study-roster")]
internal sealed class StudyRosterGrain(
    [PersistentState("study-roster", StorageNames.Rally)] IPersistentState<StudyRosterState> store) : Grain, IStudyRosterGrain
{
    private Dictionary<Guid, string> Enrolled => store.State.Enrolled;

    public async Task<int> EnrollAsync(Guid participantId, string consentVersion)
    {
        ArgumentNullException.ThrowIfNull(consentVersion);
        if (Enrolled.GetValueOrDefault(participantId) != consentVersion)
        {
            Enrolled[participantId] = consentVersion;
            await store.WriteStateAsync();
        }
        return Enrolled.Count;
    }

    public async Task<int> RemoveAsync(Guid participantId)
    {
        if (Enrolled.Remove(participantId))
        {
            await store.WriteStateAsync();
        }
        return Enrolled.Count;
    }

    public async Task<int> EnrollAllAsync(Dictionary<Guid, string> enrolled)
    {
        ArgumentNullException.ThrowIfNull(enrolled);
        var changed = false;
        foreach (var (id, version) in enrolled)
        {
            changed |= Enrolled.GetValueOrDefault(id) != version;
            Enrolled[id] = version;
        }
        if (changed)
        {
            await store.WriteStateAsync();
        }
        return Enrolled.Count;
    }

    [ReadOnly]
    public Task<string?> VersionOfAsync(Guid participantId) => Task.FromResult(Enrolled.GetValueOrDefault(participantId));

    [ReadOnly]
    public Task<Guid[]> ListAsync() => Task.FromResult(Enrolled.Keys.ToArray());
}
