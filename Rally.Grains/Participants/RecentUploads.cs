namespace Rally.Grains.Participants;

/// <summary>
/// The ids of the events most recently acknowledged to one enrollment (a participant in a study, under its pseudonym),
/// so that a batch sent again (an add-on retrying after a timeout or a lost answer) is counted as duplicates and not
/// queued again, without a read of the study's stored events on every upload. Held in memory by the participant's
/// grain only: it is lost when the grain deactivates, and then a resend is queued again and counted as accepted, and
/// the sink still stores each id once. It only ever holds ids whose queue write had succeeded.
/// </summary>
internal sealed class RecentUploads(string pseudonym)
{
    /// <summary>How many ids are kept: the latest uploads' (2 batches at the largest size, 10 at the benchmark's 50).</summary>
    public const int Capacity = 512;

    private readonly HashSet<Guid> _ids = [];
    private readonly Queue<Guid> _order = new();

    /// <summary>The enrollment the ids were acknowledged to: a new enrollment in the study starts with none.</summary>
    public string Pseudonym { get; } = pseudonym;

    public bool Contains(Guid id) => _ids.Contains(id);

    public void Add(IEnumerable<Guid> ids)
    {
        foreach (var id in ids)
        {
            if (!_ids.Add(id))
            {
                continue;
            }
            _order.Enqueue(id);
            if (_order.Count > Capacity)
            {
                _ids.Remove(_order.Dequeue());
            }
        }
    }
}
