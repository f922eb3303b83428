using Rally.Grains.Audit;
using Rally.Grains.Deletions;
using Rally.Grains.Refusals;

namespace Rally.Grains.Participants;

/// <summary>The participant's own export, and the answers about its deletion requests it shares with it.</summary>
internal sealed partial class ParticipantGrain
{
    public async Task<ParticipantExport> ExportAsync()
    {
        var view = await GetAsync(CancellationToken.None);
        var deletions = await Task.WhenAll(State.Deletions.OrderBy(d => d.Value.RequestedAt).Select(d => ViewOfAsync(d.Key, d.Value)));

        // A study may hold the participant's data from enrolling until the request that ended the enrollment completed
        // (for a locked request: when the study's analysis completed); an enrollment still on is open-ended.
        var windows = State.Enrollments.Select(e => (StudyId: e.Key, Window: new ReadWindow(e.Value.EnrolledAt, null)))
            .Concat(deletions.Select(d => (d.StudyId, Window: new ReadWindow(
                State.Deletions[d.DeletionId].EnrolledAt ?? DateTimeOffset.MinValue,
                d.Status == DeletionStatus.Completed ? d.CompletedAt : null))))
            .GroupBy(w => w.StudyId, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new StudyReadWindows(g.Key, [.. g.Select(w => w.Window)]))
            .ToArray();
        return new ParticipantExport(view, State.EligibilityAttestedAt, State.Profile, deletions, windows);
    }

    public async Task<DeletionView> GetDeletionAsync(Guid deletionId, CancellationToken cancellationToken)
    {
        EnsureActive();
        if (!State.Deletions.TryGetValue(deletionId, out var record))
        {
            throw new RefusedException(RefusalKind.NotFound, $"No deletion request '{deletionId}' of yours is on record.");
        }
        return await ViewOfAsync(deletionId, record);
    }

    private async Task<DeletionView> ViewOfAsync(Guid deletionId, DeletionRecord record)
    {
        if (await GrainFactory.GetGrain<IDeletionLedgerGrain>(record.StudyId).GetAsync(deletionId) is { } listed)
        {
            return listed;
        }
        // Recorded by the study yet no longer listed: its ledger keeps only its latest completed requests.
        if (record.CompletedAt is not null || record.DataDeletion is not null)
        {
            return new DeletionView(deletionId, record.StudyId, record.DataDeletion ?? DataDeletion.Deleted, DeletionStatus.Completed, record.RequestedAt, record.CompletedAt);
        }
        // Not yet confirmed by the study (it is being sent again): pending, as far as anyone knows.
        return new DeletionView(deletionId, record.StudyId, DataDeletion.Pending, DeletionStatus.Pending, record.RequestedAt, null);
    }
}
