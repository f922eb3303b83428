using Rally.Grains.Storage;

namespace Rally.Grains.Demographics;

[GrainType("study-demographics")]
internal sealed class StudyDemographicsGrain(
    [PersistentState("study-demographics", StorageNames.Rally)] IPersistentState<StudyDemographicsState> store) : Grain, IStudyDemographicsGrain
{
    private StudyDemographicsState State => store.State;

    public async Task ShareAsync(SharedProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        if (State.Closed || State.Profiles.GetValueOrDefault(profile.Pseudonym) == profile.Profile)
        {
            return;
        }
        State.Profiles[profile.Pseudonym] = profile.Profile;
        await store.WriteStateAsync();
    }

    public async Task WithdrawAsync(string pseudonym)
    {
        if (State.Profiles.Remove(pseudonym))
        {
            await store.WriteStateAsync();
        }
    }

    public Task<SharedProfile[]> ListPageAsync(string? after, int limit) =>
        Task.FromResult(State.Profiles
            .Where(p => after is null || string.CompareOrdinal(p.Key, after) > 0)
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .Take(limit)
            .Select(p => new SharedProfile(p.Key, p.Value))
            .ToArray());

    public async Task PurgeAsync()
    {
        if (State.Closed && State.Profiles.Count == 0)
        {
            return;
        }
        State.Profiles.Clear();
        State.Closed = true;
        await store.WriteStateAsync();
    }
}
