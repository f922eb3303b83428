using Rally.Grains.Demographics;
using Rally.Grains.Refusals;
using Rally.Grains.Studies;

namespace Rally.Grains.Participants;

/// <summary>
/// The profile and who it is shared with. Each study the participant shares it with keeps a copy under the enrollment's
/// pseudonym (<see cref="IStudyDemographicsGrain"/>), so that reading a study's profiles asks no participant. A copy only
/// ever errs towards less: what narrows sharing (stop sharing, delete the profile) is done at the study before the
/// participant's state is written, what widens it (share, fill in or change the profile) after; a failure is answered
/// as one, and the call sent again finishes it. Leaving (a study or Rally) withdraws the copy through the study's
/// <see cref="IStudyGrain.LeaveAsync"/>, which the leaving reminder retries until the study has it.
/// </summary>
internal sealed partial class ParticipantGrain
{
    public async Task SetProfileAsync(DemographicProfile profile)
    {
        EnsureActive();
        State.Profile = profile;
        await store.WriteStateAsync();
        await FeedPanelAsync();
        await Task.WhenAll(State.Enrollments.Where(e => e.Value.ShareDemographics).Select(e => ShareWithAsync(e.Key, e.Value)));
    }

    public async Task<bool> DeleteProfileAsync()
    {
        EnsureActive();
        if (State.Profile is null)
        {
            return false;
        }
        await Task.WhenAll(State.Enrollments.Where(e => e.Value.ShareDemographics).Select(e => WithdrawFromAsync(e.Key, e.Value)));
        State.Profile = null;
        await store.WriteStateAsync();
        await FeedPanelAsync();
        return true;
    }

    public async Task<EnrollmentView> SetShareDemographicsAsync(string studyId, bool share)
    {
        EnsureActive();
        if (!State.Enrollments.TryGetValue(studyId, out var enrollment))
        {
            throw StudyRefusals.NotEnrolled(studyId);
        }
        var record = enrollment with { ShareDemographics = share };
        // Sent whether or not the choice changes: a repeat finishes what a failed call left undone.
        if (!share)
        {
            await WithdrawFromAsync(studyId, record);
        }
        if (record != enrollment)
        {
            State.Enrollments[studyId] = record;
            await store.WriteStateAsync();
        }
        if (share)
        {
            await ShareWithAsync(studyId, record);
        }
        var study = await GrainFactory.GetGrain<IStudyGrain>(studyId).GetAsync();
        return ToView(studyId, record, study?.Card.ConsentVersion);
    }

    /// <summary>The study gets the current profile under the enrollment's pseudonym (nothing while there is no profile).</summary>
    private Task ShareWithAsync(string studyId, EnrollmentRecord enrollment) =>
        State.Profile is { } profile
            ? GrainFactory.GetGrain<IStudyDemographicsGrain>(studyId).ShareAsync(new SharedProfile(PseudonymOf(studyId, enrollment), profile))
            : Task.CompletedTask;

    private Task WithdrawFromAsync(string studyId, EnrollmentRecord enrollment) =>
        GrainFactory.GetGrain<IStudyDemographicsGrain>(studyId).WithdrawAsync(PseudonymOf(studyId, enrollment));

    /// <summary>The enrollment's pseudonym: the one its events carry in the export.</summary>
    private string PseudonymOf(string studyId, EnrollmentRecord enrollment) => pseudonyms.For(ParticipantId, studyId, enrollment.Enrollment);
}
