using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Rally.Grains.Notices;
using Rally.Grains.Storage;
using Rally.Grains.Studies;
using Rally.Tests.Infrastructure;

namespace Rally.Tests.Grains;

/// <summary>
/// A study's roster lives in buckets, not in the study's own record: an enrollment rewrites one small bucket, and a
/// study stored the older way (its whole roster in its record) moves its roster to the buckets when it wakes up.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class StudyRosterTests(ClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Client;

    private IGrainStorage Storage => fixture.Cluster.Silos[0].ServiceProvider.GetRequiredKeyedService<IGrainStorage>(StorageNames.Rally);

    [Fact]
    public async Task Enrolling_many_rewrites_small_buckets_and_keeps_the_study_record_small()
    {
        var study = await GrainScenario.EnrollingStudyAsync(Grains);
        var ids = Enumerable.Range(0, 600).Select(_ => Guid.NewGuid()).ToArray();
        foreach (var id in ids)
        {
            await study.EnrollAsync(id, "1", privateBrowsingAcknowledged: false);
        }
        await study.EnrollAsync(ids[0], "1", privateBrowsingAcknowledged: false); // again: nothing changes

        Assert.Equal(600, (await study.GetAsync(default))!.Enrolled);
        var (stored, json) = await ReadAsync<StudyState>("study", study.GetGrainId());
        Assert.Empty(stored.Enrolled);
        Assert.Equal(600, stored.Roster.Values.Sum());
        // No participant id in the study's own record; the record is a few KB however many enroll.
        Assert.DoesNotContain(ids[0].ToString(), json, StringComparison.OrdinalIgnoreCase);
        Assert.True(json.Length < 8_000, $"study record of {json.Length} chars");
        var bucket = Grains.GetGrain<IStudyRosterGrain>(IStudyRosterGrain.KeyOf(study.GetPrimaryKeyString(), IStudyRosterGrain.BucketOf(ids[0])));
        Assert.Contains(ids[0], await bucket.ListAsync());
        Assert.Equal("1", await bucket.VersionOfAsync(ids[0]));
        Assert.Equal(ids.Order(), (await Task.WhenAll(Enumerable.Range(0, IStudyRosterGrain.Buckets)
            .Select(b => Grains.GetGrain<IStudyRosterGrain>(IStudyRosterGrain.KeyOf(study.GetPrimaryKeyString(), b)).ListAsync())))
            .SelectMany(x => x).Order());
    }

    [Fact]
    public async Task A_study_stored_with_its_roster_in_its_record_moves_it_to_the_buckets_and_reaches_everyone()
    {
        var partnerId = Guid.NewGuid();
        var studyId = $"grain-{Guid.NewGuid():N}";
        var enrolled = Enumerable.Range(0, 40).ToDictionary(_ => Guid.NewGuid(), _ => "1");
        var older = new StudyState
        {
            Lifecycle = StudyLifecycle.Enrolling,
            Card = GrainScenario.Card(partnerId),
            CreatedAt = DateTimeOffset.UtcNow,
            LaunchedAt = DateTimeOffset.UtcNow,
            ConsentHistory = [new ConsentRecord("1", DateTimeOffset.UtcNow)],
            Enrolled = enrolled,
        };
        var study = Grains.GetGrain<IStudyGrain>(studyId);
        await Storage.WriteStateAsync("study", study.GetGrainId(), new GrainState<StudyState>(older));

        Assert.Equal(40, (await study.GetAsync(default))!.Enrolled);
        var (stored, _) = await ReadAsync<StudyState>("study", study.GetGrainId());
        Assert.Empty(stored.Enrolled);
        Assert.Equal(40, stored.Roster.Values.Sum());

        // Counted as before: one more, the same one again, then the end reaches every one of them.
        var newcomer = Guid.NewGuid();
        await study.EnrollAsync(newcomer, "1", privateBrowsingAcknowledged: false);
        await study.EnrollAsync(enrolled.Keys.First(), "1", privateBrowsingAcknowledged: false);
        Assert.Equal(41, (await study.GetAsync(default))!.Enrolled);
        await study.EndAsync();
        foreach (var id in enrolled.Keys.Append(newcomer))
        {
            await Eventually.HoldsAsync(
                async () => (await Grains.GetGrain<INoticeInboxGrain>(id).ListAsync()).Any(n => n.Kind == NoticeKind.StudyEnded && n.StudyId == studyId),
                $"the study-ended notice in {id}'s inbox", []);
        }
    }

    private async Task<(T State, string Json)> ReadAsync<T>(string name, GrainId id) where T : new()
    {
        var state = new GrainState<T>(new T());
        await Storage.ReadStateAsync(name, id, state);
        var json = fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<IGrainStorageSerializer>().Serialize(state.State).ToString();
        return (state.State!, json);
    }
}
