namespace Rally.Api.Notices;

/// <summary>The hub connections this front holds, by participant, so a delivery finds its connections without scanning all.</summary>
public sealed class NoticeConnections
{
    private readonly Dictionary<Guid, HashSet<string>> _byParticipant = [];

    public void Add(Guid participantId, string connectionId)
    {
        lock (_byParticipant)
        {
            if (!_byParticipant.TryGetValue(participantId, out var connections))
            {
                _byParticipant[participantId] = connections = [];
            }
            connections.Add(connectionId);
        }
    }

    public void Remove(Guid participantId, string connectionId)
    {
        lock (_byParticipant)
        {
            if (_byParticipant.TryGetValue(participantId, out var connections) && connections.Remove(connectionId) && connections.Count == 0)
            {
                _byParticipant.Remove(participantId);
            }
        }
    }

    /// <summary>The connections held here of any of these participants.</summary>
    public List<string> Of(IEnumerable<Guid> participantIds)
    {
        var found = new List<string>();
        lock (_byParticipant)
        {
            foreach (var id in participantIds)
            {
                if (_byParticipant.TryGetValue(id, out var connections))
                {
                    found.AddRange(connections);
                }
            }
        }
        return found;
    }

    /// <summary>Every participant with a connection here, and its connections.</summary>
    public KeyValuePair<Guid, string[]>[] Snapshot()
    {
        lock (_byParticipant)
        {
            return [.. _byParticipant.Select(p => new KeyValuePair<Guid, string[]>(p.Key, [.. p.Value]))];
        }
    }
}
