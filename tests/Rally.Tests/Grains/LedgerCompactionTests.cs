using Orleans.TestingHost;
using Rally.Grains.Deletions;
using Rally.Grains.Participants;
using Rally.Tests.Infrastructure;

namespace Rally.Tests.Grains;

/// <summary>A ledger that keeps two completed requests listed, on its own cluster.</summary>
public sealed class LedgerCompactionTests : IAsyncLifetime
{
    private const int Kept = 2;
    private InProcessTestCluster _cluster = null!;

    private IGrainFactory Grains => _cluster.Client;

    public async Task InitializeAsync() =>
        _cluster = await TestClusters.StartAsync(1, new Dictionary<string, string?> { ["Rally:Deletions:MaxCompletedEntries"] = $"{Kept}" });

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task A_ledger_keeps_its_latest_completed_requests_and_counts_them_all_and_each_participant_still_reads_its_own()
    {
        var study = await GrainScenario.EnrollingStudyAsync(Grains);
        var studyId = study.GetPrimaryKeyString();
        var participant = await GrainScenario.JoinAsync(Grains);
        var deletions = new List<Guid>();
        for (var cycle = 0; cycle < 5; cycle++)
        {
            await participant.EnrollAsync(new EnrollCommand(studyId, "1", false, false));
            var deletionId = Guid.NewGuid();
            await participant.LeaveStudyAsync(studyId, deletionId);
            await GrainScenario.DeletionWhenAsync(Grains, studyId, deletionId, DeletionStatus.Completed);
            deletions.Add(deletionId);
        }

        var ledger = await Grains.GetGrain<IDeletionLedgerGrain>(studyId).ListAsync();

        Assert.Equal(deletions.TakeLast(Kept), ledger.Requests.Select(r => r.DeletionId));
        Assert.Equal(5, ledger.CompletedRequests);
        Assert.Equal(0, ledger.DeletedEvents);
        Assert.Null(await Grains.GetGrain<IDeletionLedgerGrain>(studyId).GetAsync(deletions[0]));
        foreach (var deletionId in deletions)
        {
            var view = await participant.GetDeletionAsync(deletionId);
            Assert.Equal(DeletionStatus.Completed, view.Status);
            Assert.Equal(DataDeletion.Deleted, view.DataDeletion);
            Assert.NotNull(view.CompletedAt);
        }
    }
}
