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

    // A ring of the ids in the order they came and a set to look them up, both sized once: ≈ 8 KB + 15 KB.
    private readonly Guid[] _order = new Guid[Capacity];
    private readonly HashSet<Guid> _ids = new(Capacity);
    private int _next;

    /// <summary>The enrollment the ids were acknowledged to: a new enrollment in the study starts with none.</summary>
    public string Pseudonym { get; } = pseudonym;

    public int Count => _ids.Count;

    public bool Contains(Guid id) => _ids.Contains(id);

    public void Add(IEnumerable<Guid> ids)
    {
        foreach (var id in ids)
        {
            if (_ids.Contains(id))
            {
                continue;
            }
            if (_ids.Count == Capacity)
            {
                _ids.Remove(_order[_next]); // the oldest, about to be overwritten
            }
            _ids.Add(id);
            _order[_next] = id;
            _next = (_next + 1) % Capacity;
        }
    }
}
