namespace Rally.Grains.Studies;

/// <summary>
/// Who is enrolled lives in the study's roster buckets (<see cref="IStudyRosterGrain"/>); the study keeps how many
/// each holds, so that its count and its catalogue card need no call, and an enrollment writes one small bucket and,
/// when the count changed, the study's own small record.
/// </summary>
internal sealed partial class StudyGrain
{
    /// <summary>Who is enrolled, kept in memory once read (every enrollment and leave passes here), so that a notice does not wait on 256 reads.</summary>
    private HashSet<Guid>? _enrolled;

    /// <summary>Counts enrollments and leaves, so that a read of the buckets overtaken by one is not kept.</summary>
    private long _rosterChanges;

    private int EnrolledCount => State.Roster.Values.Sum();

    private IStudyRosterGrain Bucket(int bucket) => GrainFactory.GetGrain<IStudyRosterGrain>(IStudyRosterGrain.KeyOf(StudyId, bucket));

    /// <summary>
    /// Takes the count a bucket reported; true when it differs from the one stored (the study's record is then to be
    /// written). Comparing counts rather than trusting "joined" keeps the study right after a failure between the
    /// bucket's write and its own: the caller's retry finds the difference.
    /// </summary>
    private bool Counted(int bucket, int count)
    {
        if (State.Roster.GetValueOrDefault(bucket) == count)
        {
            return false;
        }
        if (count == 0)
        {
            State.Roster.Remove(bucket);
        }
        else
        {
            State.Roster[bucket] = count;
        }
        return true;
    }

    /// <summary>Everyone enrolled now: read from the non-empty buckets at once the first time.</summary>
    private async Task<Guid[]> EnrolledIdsAsync()
    {
        if (_enrolled is not null)
        {
            return [.. _enrolled];
        }
        var changes = _rosterChanges;
        var read = (await Task.WhenAll(State.Roster.Keys.Select(b => Bucket(b).ListAsync()))).SelectMany(ids => ids).ToHashSet();
        // The outbox drain interleaves with enrollments: a read that one overtook may lack it, so it serves this call only.
        if (_enrolled is null && changes == _rosterChanges)
        {
            _enrolled = read;
        }
        return [.. read];
    }

    /// <summary>An older record's roster moves to the buckets (idempotent: a failure half-way is finished next time).</summary>
    private async Task MoveRosterAsync()
    {
        if (State.Enrolled.Count == 0)
        {
            return;
        }
        foreach (var group in State.Enrolled.GroupBy(e => IStudyRosterGrain.BucketOf(e.Key)))
        {
            Counted(group.Key, await Bucket(group.Key).EnrollAllAsync(group.ToDictionary(e => e.Key, e => e.Value)));
        }
        State.Enrolled.Clear();
        await store.WriteStateAsync();
    }
}
