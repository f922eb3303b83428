using Rally.Grains.Refusals;

namespace Rally.Grains.Studies;

/// <summary>
/// The kill switch: operators pause an enrolling study (no uploads, no enrollments) and resume it. Both moves are
/// idempotent, so an operator or a front may resend one whose answer was lost: pausing a paused study, or resuming an
/// enrolling one, changes nothing, notifies nobody and answers the study as it is. The pause is stored with the
/// notice it causes (one write) before anyone is told; enrolled participants get <c>study-paused</c> and
/// <c>study-resumed</c>.
/// </summary>
internal sealed partial class StudyGrain
{
    public async Task<StudyView> PauseAsync()
    {
        EnsureExists();
        if (State.Lifecycle == StudyLifecycle.Paused)
        {
            return ToView();
        }
        if (State.Lifecycle != StudyLifecycle.Enrolling)
        {
            throw new RefusedException(RefusalKind.InvalidTransition, $"Only an enrolling study can be paused; study '{StudyId}' is {Describe(State.Lifecycle)}.");
        }
        State.Lifecycle = StudyLifecycle.Paused;
        return await SaveAndPublishAsync(StudyNotices.Paused(StudyId, State.Card!, State.EndsAt, clock.GetUtcNow()));
    }

    public async Task<StudyView> ResumeAsync()
    {
        EnsureExists();
        if (State.Lifecycle == StudyLifecycle.Enrolling)
        {
            return ToView();
        }
        if (State.Lifecycle != StudyLifecycle.Paused)
        {
            throw new RefusedException(RefusalKind.InvalidTransition, $"Only a paused study can be resumed; study '{StudyId}' is {Describe(State.Lifecycle)}.");
        }
        State.Lifecycle = StudyLifecycle.Enrolling;
        return await SaveAndPublishAsync(StudyNotices.Resumed(StudyId, State.Card!, State.EndsAt, clock.GetUtcNow()));
    }
}
