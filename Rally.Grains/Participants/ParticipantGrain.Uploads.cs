using Rally.Grains.Ingestion;
using Rally.Grains.Refusals;
using Rally.Grains.Studies;

namespace Rally.Grains.Participants;

/// <summary>Uploads: the permit a front asks for each one, and the record of what was acknowledged, to tell resends.</summary>
internal sealed partial class ParticipantGrain
{
    /// <summary>Of each study, the events acknowledged to the current enrollment lately (in memory only).</summary>
    private readonly Dictionary<string, RecentUploads> _recentUploads = new(StringComparer.Ordinal);

    public async Task<UploadPermit> GetUploadPermitAsync(string studyId, Guid[] eventIds, CancellationToken cancellationToken)
    {
        EnsureActive();
        if (!State.Enrollments.TryGetValue(studyId, out var enrollment))
        {
            throw StudyRefusals.NotEnrolled(studyId);
        }
        var rules = await GrainFactory.GetGrain<IStudyGrain>(studyId).GetIngestionRulesAsync();
        if (rules.State == StudyLifecycle.Paused)
        {
            // Refused before anything is queued: a paused study stores nothing new.
            throw StudyRefusals.Paused(studyId);
        }
        if (rules.State != StudyLifecycle.Enrolling)
        {
            throw new RefusedException(RefusalKind.StudyNotEnrolling, $"Study '{studyId}' no longer collects data.");
        }
        if (rules.ConsentVersion != enrollment.ConsentVersion)
        {
            throw new RefusedException(RefusalKind.ConsentVersionMismatch,
                $"Study '{studyId}' published consent version '{rules.ConsentVersion}'; consent to it again before sending more data.");
        }
        var pseudonym = PseudonymOf(studyId, enrollment);
        Guid[] acknowledged = _recentUploads.TryGetValue(studyId, out var recent) && recent.Pseudonym == pseudonym
            ? [.. (eventIds ?? []).Where(recent.Contains)] // a front of the version before asks without ids
            : [];
        return new UploadPermit(pseudonym, rules, acknowledged);
    }

    public Task UploadAcknowledgedAsync(string studyId, string pseudonym, Guid[] eventIds)
    {
        ArgumentNullException.ThrowIfNull(eventIds);
        // Only for the enrollment the permit was given to: after a leave (and a new enrollment) the ids name deleted data.
        if (State.Enrollments.TryGetValue(studyId, out var enrollment) && PseudonymOf(studyId, enrollment) == pseudonym)
        {
            if (!_recentUploads.TryGetValue(studyId, out var recent) || recent.Pseudonym != pseudonym)
            {
                _recentUploads[studyId] = recent = new RecentUploads(pseudonym);
            }
            recent.Add(eventIds);
        }
        return Task.CompletedTask;
    }
}
