using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Rally.Grains.Panel;
using Rally.Grains.Participants;
using Rally.Grains.Participants.Demographics;
using Rally.Grains.Storage;
using Rally.Tests.Grains;
using Rally.Tests.Infrastructure;

namespace Rally.Tests.Panel;

/// <summary>
/// How the panel's counts are fed: each participant's change becomes moves its own state records, sent until the panel
/// has them and counted once however often they are sent; the panel stores numbers per answer tuple only.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class PanelFeedTests(ClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Client;

    [Fact]
    public async Task A_move_sent_again_is_counted_once_until_its_mover_has_it_forgotten()
    {
        var population = $"grain-{Guid.NewGuid():N}";
        var panel = Grains.GetGrain<IPanelGrain>(population);
        var first = Guid.NewGuid();

        await panel.MoveAsync(first, null, "19-24||||||");
        await panel.MoveAsync(first, null, "19-24||||||");
        Assert.Equal(new Dictionary<string, int> { ["19-24||||||"] = 1 }, (await StoredAsync(population)).Counts);
        Assert.Equal(first, Assert.Single((await StoredAsync(population)).Applied));

        await panel.ForgetAsync(first);
        var second = Guid.NewGuid();
        await panel.MoveAsync(second, "19-24||||||", "65+||||||");
        await panel.ForgetAsync(second);
        var stored = await StoredAsync(population);
        Assert.Equal(new Dictionary<string, int> { ["65+||||||"] = 1 }, stored.Counts);
        Assert.Empty(stored.Applied);
    }

    [Fact]
    public async Task A_participant_is_counted_where_it_is_moved_by_a_profile_change_and_removed_once_when_it_leaves()
    {
        var study = await GrainScenario.EnrollingStudyAsync(Grains);
        var studyId = study.GetPrimaryKeyString();
        var participant = await GrainScenario.JoinAsync(Grains);
        var before = new DemographicProfile(AgeRange.From25To34, Gender.Female, false, [Race.White, Race.AsianIndian], null, null, "94501");
        await participant.SetProfileAsync(before);
        await participant.EnrollAsync(new EnrollCommand(studyId, "1", false, false));
        Assert.Equal(new Dictionary<string, int> { ["25-34|female|false|asian-indian+white|||945"] = 1 }, (await StoredAsync(studyId)).Counts);

        await participant.SetProfileAsync(before with { AgeRange = AgeRange.From35To44, ZipCode = null });
        await participant.SetProfileAsync(before with { AgeRange = AgeRange.From35To44, ZipCode = null });
        Assert.Equal(new Dictionary<string, int> { ["35-44|female|false|asian-indian+white|||"] = 1 }, (await StoredAsync(studyId)).Counts);
        var feed = (await GrainScenario.ReadStoredAsync(fixture.Cluster, participant)).State.PanelFeed;
        Assert.Equal(new[] { "rally", studyId }.Order(StringComparer.Ordinal), feed.Counted.Keys.Order(StringComparer.Ordinal));
        Assert.Empty(feed.Unsent);
        Assert.Empty(feed.Unforgotten);

        await participant.LeaveRallyAsync();
        var stored = await StoredAsync(studyId);
        Assert.Empty(stored.Counts);
        Assert.Empty(stored.Applied);
        // The tombstone keeps nothing of it for the panel either.
        var (tombstone, _, json) = await GrainScenario.ReadStoredAsync(fixture.Cluster, participant);
        Assert.Empty(tombstone.PanelFeed.Counted);
        Assert.Empty(tombstone.PanelFeed.Unsent);
        Assert.Empty(tombstone.PanelFeed.Unforgotten);
        Assert.DoesNotContain("35-44", json, StringComparison.Ordinal);
    }

    private async Task<PanelState> StoredAsync(string population)
    {
        var storage = fixture.Cluster.Silos[0].ServiceProvider.GetRequiredKeyedService<IGrainStorage>(StorageNames.Rally);
        var state = new GrainState<PanelState>(new PanelState());
        await storage.ReadStateAsync("panel", Grains.GetGrain<IPanelGrain>(population).GetGrainId(), state);
        return state.State!;
    }
}
