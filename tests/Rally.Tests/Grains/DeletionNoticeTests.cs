using Rally.Grains.Deletions;
using Rally.Grains.Notices;
using Rally.Grains.Studies;
using Rally.Tests.Infrastructure;

namespace Rally.Tests.Grains;

/// <summary>
/// The <c>data-deleted</c> notice names the study by the name the study gave its ledger (the ledger never asks the
/// study, which waits on it); a ledger stored before it kept names still never shows a participant the study's id.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class DeletionNoticeTests(ClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Client;

    [Fact]
    public async Task A_ledger_that_was_never_given_the_studys_name_says_which_study_in_words_and_never_by_its_id()
    {
        var studyId = $"grain-{Guid.NewGuid():N}";
        var participantId = Guid.NewGuid();
        var deletionId = Guid.NewGuid();

        // As a study grain of before names were carried sent it: no name.
        await Grains.GetGrain<IDeletionLedgerGrain>(studyId).RequestAsync(
            new DeletionRequest(deletionId, "p-unnamed", participantId, StudyLifecycle.Enrolling));
        await GrainScenario.DeletionWhenAsync(Grains, studyId, deletionId, DeletionStatus.Completed);

        var notice = await NoticeAsync(participantId, deletionId);
        Assert.Equal("The data that a study you left collected from you has been deleted.", notice.Message);
        Assert.Equal(studyId, notice.StudyId);
    }

    [Fact]
    public async Task A_locked_request_recorded_without_the_name_is_named_once_the_analysis_completes()
    {
        var study = await GrainScenario.EnrollingStudyAsync(Grains);
        var studyId = study.GetPrimaryKeyString();
        var participantId = Guid.NewGuid();
        var deletionId = Guid.NewGuid();
        await study.EnrollAsync(participantId, "1", false);
        await study.EndAsync();
        // Recorded, locked, by a study grain of before names were carried.
        await Grains.GetGrain<IDeletionLedgerGrain>(studyId).RequestAsync(
            new DeletionRequest(deletionId, "p-locked", participantId, StudyLifecycle.Ended));

        await study.CompleteAnalysisAsync();
        await GrainScenario.DeletionWhenAsync(Grains, studyId, deletionId, DeletionStatus.Completed);

        var notice = await NoticeAsync(participantId, deletionId);
        Assert.Equal($"The data that study '{GrainScenario.Card(Guid.Empty).Name}' collected from you has been deleted.", notice.Message);
        Assert.DoesNotContain(studyId, notice.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_notice_names_the_study_by_the_name_the_study_last_gave()
    {
        var studyId = $"grain-{Guid.NewGuid():N}";
        var participantId = Guid.NewGuid();
        var deletionId = Guid.NewGuid();
        var ledger = Grains.GetGrain<IDeletionLedgerGrain>(studyId);
        await ledger.RequestAsync(new DeletionRequest(deletionId, "p-renamed", participantId, StudyLifecycle.Ended, "Old name"));

        await ledger.CompleteAnalysisAsync("New name");
        await GrainScenario.DeletionWhenAsync(Grains, studyId, deletionId, DeletionStatus.Completed);

        Assert.Equal("The data that study 'New name' collected from you has been deleted.", (await NoticeAsync(participantId, deletionId)).Message);
    }

    /// <summary>The request's notice in the participant's inbox: kept before the request is listed as completed.</summary>
    private async Task<Notice> NoticeAsync(Guid participantId, Guid deletionId)
    {
        // Only the request's: a test that ends its study also gets the study-ended notice, a moment later.
        var notice = Assert.Single(await Grains.GetGrain<INoticeInboxGrain>(participantId).ListAsync(), n => n.Id == deletionId);
        Assert.Equal(NoticeKind.DataDeleted, notice.Kind);
        return notice;
    }
}
