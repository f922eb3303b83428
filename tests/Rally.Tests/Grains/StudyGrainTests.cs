using Rally.Grains.Deletions;
using Rally.Grains.Participants;
using Rally.Grains.Refusals;
using Rally.Grains.Studies;
using Rally.Tests.Infrastructure;

namespace Rally.Tests.Grains;

[Collection(ClusterCollection.Name)]
public sealed class StudyGrainTests(ClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Client;

    [Fact]
    public async Task A_study_publishes_at_most_the_configured_number_of_consent_versions_and_one_more_changes_nothing()
    {
        var study = await GrainScenario.EnrollingStudyAsync(Grains);
        var max = new StudyOptions().MaxConsentVersions;
        for (var version = 2; version <= max; version++)
        {
            await study.PublishConsentAsync(new ConsentUpdate(version.ToString(System.Globalization.CultureInfo.InvariantCulture), null));
        }

        var refused = await Assert.ThrowsAsync<RefusedException>(() => study.PublishConsentAsync(new ConsentUpdate("one-more", null)));

        Assert.Equal(RefusalKind.LimitReached, refused.Kind);
        Assert.Equal(max.ToString(System.Globalization.CultureInfo.InvariantCulture), (await study.GetAsync())!.Card.ConsentVersion);
    }

    [Fact]
    public async Task The_study_counts_its_enrolled_participants()
    {
        var study = await GrainScenario.EnrollingStudyAsync(Grains);
        var participants = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => GrainScenario.JoinAsync(Grains)));
        foreach (var participant in participants)
        {
            await participant.EnrollAsync(new EnrollCommand(study.GetPrimaryKeyString(), "1", false, false));
        }
        // Enrolling again (a retry) counts once.
        await participants[0].EnrollAsync(new EnrollCommand(study.GetPrimaryKeyString(), "1", false, false));
        Assert.Equal(3, (await study.GetAsync())!.Enrolled);

        await participants[1].LeaveStudyAsync(study.GetPrimaryKeyString(), Guid.NewGuid());

        Assert.Equal(2, (await study.GetAsync())!.Enrolled);
    }

    [Fact]
    public async Task A_deletion_request_is_recorded_once_however_often_it_is_sent()
    {
        var study = await GrainScenario.EnrollingStudyAsync(Grains);
        var participantId = Guid.NewGuid();
        var deletionId = Guid.NewGuid();
        await study.EnrollAsync(participantId, "1", false);

        var first = await study.LeaveAsync(new LeaveCommand(participantId, deletionId, "p-once", InRally: true));
        var done = await GrainScenario.DeletionWhenAsync(Grains, study.GetPrimaryKeyString(), deletionId, DeletionStatus.Completed);
        await study.EndAsync();
        var again = await study.LeaveAsync(new LeaveCommand(participantId, deletionId, "p-once", InRally: true));

        Assert.Equal(first, again);
        Assert.Equal(DataDeletion.Deleted, again.DataDeletion);
        Assert.Equal(done, await Grains.GetGrain<IDeletionLedgerGrain>(study.GetPrimaryKeyString()).GetAsync(deletionId));
        Assert.Single((await Grains.GetGrain<IDeletionLedgerGrain>(study.GetPrimaryKeyString()).ListAsync()).Requests);
    }

    [Fact]
    public async Task Completing_the_analysis_completes_every_locked_request()
    {
        var study = await GrainScenario.EnrollingStudyAsync(Grains);
        var (early, late) = (Guid.NewGuid(), Guid.NewGuid());
        await study.EnrollAsync(early, "1", false);
        await study.EnrollAsync(late, "1", false);
        var open = await study.LeaveAsync(new LeaveCommand(early, Guid.NewGuid(), "p-early", InRally: true));
        await study.EndAsync();
        var locked = await study.LeaveAsync(new LeaveCommand(late, Guid.NewGuid(), "p-late", InRally: true));
        var ledger = Grains.GetGrain<IDeletionLedgerGrain>(study.GetPrimaryKeyString());
        Assert.Equal(DeletionStatus.Locked, (await ledger.GetAsync(locked.DeletionId))!.Status);

        await study.CompleteAnalysisAsync();

        var completed = await GrainScenario.DeletionWhenAsync(Grains, study.GetPrimaryKeyString(), locked.DeletionId, DeletionStatus.Completed);
        Assert.NotNull(completed.CompletedAt);
        Assert.NotNull((await ledger.ListAsync()).DroppedAt);
        Assert.Equal(DataDeletion.Deleted, open.DataDeletion);
        Assert.Equal(DataDeletion.Locked, locked.DataDeletion);
    }

    [Fact]
    public async Task Lifecycle_moves_happen_only_in_order()
    {
        var study = Grains.GetGrain<IStudyGrain>($"grain-{Guid.NewGuid():N}");
        Assert.Null(await study.GetAsync());
        Assert.Equal(RefusalKind.NotFound, (await Assert.ThrowsAsync<RefusedException>(study.LaunchAsync)).Kind);

        await study.DraftAsync(GrainScenario.Card(Guid.NewGuid()));
        Assert.Equal(RefusalKind.AlreadyExists, (await Assert.ThrowsAsync<RefusedException>(() => study.DraftAsync(GrainScenario.Card(Guid.NewGuid())))).Kind);
        Assert.Equal(RefusalKind.InvalidTransition, (await Assert.ThrowsAsync<RefusedException>(study.EndAsync)).Kind);

        Assert.Equal(StudyLifecycle.Enrolling, (await study.LaunchAsync()).State);
        Assert.Equal(StudyLifecycle.Ended, (await study.EndAsync()).State);
        Assert.Equal(RefusalKind.InvalidTransition, (await Assert.ThrowsAsync<RefusedException>(study.LaunchAsync)).Kind);
        Assert.Equal(StudyLifecycle.AnalysisComplete, (await study.CompleteAnalysisAsync()).State);
        Assert.Equal(RefusalKind.InvalidTransition, (await Assert.ThrowsAsync<RefusedException>(study.EndAsync)).Kind);
    }

    [Fact]
    public async Task The_catalog_lists_enrolling_and_ended_studies_only()
    {
        var catalog = Grains.GetGrain<IStudyCatalogGrain>(IStudyCatalogGrain.Key);
        var study = Grains.GetGrain<IStudyGrain>($"grain-{Guid.NewGuid():N}");
        var id = study.GetPrimaryKeyString();

        await study.DraftAsync(GrainScenario.Card(Guid.NewGuid()));
        Assert.DoesNotContain(await catalog.ListAsync(), s => s.StudyId == id);
        await study.LaunchAsync();
        Assert.Contains(await catalog.ListAsync(), s => s.StudyId == id && s.State == StudyLifecycle.Enrolling);
        await study.EndAsync();
        Assert.Contains(await catalog.ListAsync(), s => s.StudyId == id && s.State == StudyLifecycle.Ended);
        await study.CompleteAnalysisAsync();
        Assert.DoesNotContain(await catalog.ListAsync(), s => s.StudyId == id);
    }
}
