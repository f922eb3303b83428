using Rally.Grains.Ingestion;
using Rally.Grains.Privacy;
using Rally.Grains.Refusals;

namespace Rally.Grains.Studies;

/// <summary>The study's privacy budget: the ε of its differentially private releases, charged before each is computed.</summary>
internal sealed partial class StudyGrain
{
    /// <summary>Releases one study may publish, whatever its budget: each is kept whole, with a count per day of the study.</summary>
    public const int MaxReleases = 100;

    public async Task<ReleaseBasis> ChargePrivacyAsync(Guid releaseId, decimal epsilon)
    {
        var card = EnsureExists();
        if (epsilon <= 0)
        {
            throw new RefusedException(RefusalKind.InvalidRequest, "epsilon must be positive.");
        }
        if (State.Lifecycle == StudyLifecycle.Draft)
        {
            throw new RefusedException(RefusalKind.InvalidTransition, $"Study '{StudyId}' is a draft: a study publishes releases once launched.");
        }
        if (State.Lifecycle == StudyLifecycle.AnalysisComplete)
        {
            throw new RefusedException(RefusalKind.InvalidTransition,
                $"The analysis of study '{StudyId}' is complete and its raw data deleted: nothing is left to release. Its earlier releases stay published.");
        }
        var budget = (decimal)privacy.Value.StudyBudget;
        var charged = State.PrivacyCharges.Find(c => c.ReleaseId == releaseId);
        if (charged is null)
        {
            var spent = State.PrivacyCharges.Sum(c => c.Epsilon);
            if (spent + epsilon > budget)
            {
                throw new RefusedException(RefusalKind.PrivacyBudgetExhausted,
                    $"A release of ε {epsilon} would pass the privacy budget of study '{StudyId}': ε {budget} in all (Rally:Privacy:StudyBudget), "
                    + $"{spent} spent, {Math.Max(0, budget - spent)} left. Nothing was released.");
            }
            if (State.PrivacyCharges.Count >= MaxReleases)
            {
                throw new RefusedException(RefusalKind.LimitReached, $"Study '{StudyId}' has published {MaxReleases} releases, the most one study may.");
            }
            charged = new PrivacyCharge(releaseId, epsilon, clock.GetUtcNow());
            State.PrivacyCharges.Add(charged);
            // Stored before the answer: a crash from here on loses a release, never a charge.
            await store.WriteStateAsync();
        }
        return new ReleaseBasis(charged.Epsilon, budget, State.PrivacyCharges.Sum(c => c.Epsilon), EnrolledCount, Domain(card, charged.ChargedAt));
    }

    /// <summary>The declared types × the UTC days from launch to the charge (or to the end, once ended).</summary>
    private EventDomain Domain(StudyCard card, DateTimeOffset at)
    {
        var last = State.EndedAt is { } ended && ended < at ? ended : at;
        var first = DateOnly.FromDateTime(State.LaunchedAt!.Value.UtcDateTime);
        return new EventDomain([.. card.DataCollected.Select(d => d.Type)], first, DateOnly.FromDateTime(last.UtcDateTime));
    }
}
