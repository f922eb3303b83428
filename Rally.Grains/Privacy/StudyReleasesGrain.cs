using Microsoft.Extensions.DependencyInjection;
using Rally.Grains.Ingestion;
using Rally.Grains.Privacy.Noise;
using Rally.Grains.Storage;
using Rally.Grains.Studies;

namespace Rally.Grains.Privacy;

[GrainType("study-releases")]
internal sealed class StudyReleasesGrain(
    [PersistentState("study-releases", StorageNames.Rally)] IPersistentState<StudyReleasesState> store,
    IStudyEventStore events,
    IRandomBits randomBits,
    [FromKeyedServices(StudyClock.Key)] TimeProvider clock) : Grain, IStudyReleasesGrain
{
    private string StudyId => this.GetPrimaryKeyString();

    public async Task<StudyRelease> PublishAsync(ReleaseCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (store.State.Releases.Find(r => r.ReleaseId == command.ReleaseId) is { } published)
        {
            return published;
        }
        // Charged first, durably, by the study; only then is the data read. The counts come from the event store, clipped
        // there, so no participant's grain is activated.
        var basis = await GrainFactory.GetGrain<IStudyGrain>(StudyId).ChargePrivacyAsync(command.ReleaseId, command.Epsilon);
        var clipped = await events.CountClippedAsync(StudyId, basis.Domain, command.EventsPerParticipant);
        var number = store.State.Releases.Count == 0 ? 1 : store.State.Releases[^1].Number + 1;
        var release = ReleaseMechanism.Release(basis, clipped, command, number, clock.GetUtcNow(), new DiscreteSampler(randomBits));
        store.State.Releases.Add(release);
        await store.WriteStateAsync();
        return release;
    }

    public Task<StudyRelease[]> ListPageAsync(int? before, int limit) =>
        Task.FromResult(store.State.Releases
            .Where(r => before is null || r.Number < before)
            .Reverse<StudyRelease>()
            .Take(limit)
            .ToArray());
}
