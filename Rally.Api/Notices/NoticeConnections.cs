using Microsoft.Extensions.Options;
using Rally.Grains.Notices;

namespace Rally.Api.Notices;

/// <summary>
/// The hub connections this front holds, by participant, and the deliveries whose notice may not be in every inbox
/// yet (pushes go out while the inboxes are written: see <c>NoticeFanOutGrain</c>), kept until the fan-out says the
/// notice is kept, or for <see cref="NoticeOptions.RecentRetention"/> at most. One lock covers both, so a delivery and
/// a new connection of its participant always meet: either the delivery finds the connection, or the connection
/// finds the delivery.
/// </summary>
public sealed class NoticeConnections(TimeProvider clock, IOptions<NoticeOptions> options)
{
    private readonly Dictionary<Guid, Dictionary<string, Action>> _byParticipant = [];
    private readonly List<(DateTimeOffset At, Notice Notice, HashSet<Guid> ParticipantIds)> _recent = [];
    private readonly TimeSpan _retention = options.Value.RecentRetention;

    /// <summary>Records a connection (and how to close it); returns the recent deliveries that were meant for its participant.</summary>
    public Notice[] Connect(Guid participantId, string connectionId, Action abort)
    {
        lock (_byParticipant)
        {
            if (!_byParticipant.TryGetValue(participantId, out var connections))
            {
                _byParticipant[participantId] = connections = [];
            }
            connections[connectionId] = abort;
            Expire();
            return [.. _recent.Where(r => r.ParticipantIds.Contains(participantId)).Select(r => r.Notice)];
        }
    }

    public void Disconnect(Guid participantId, string connectionId)
    {
        lock (_byParticipant)
        {
            if (_byParticipant.TryGetValue(participantId, out var connections) && connections.Remove(connectionId) && connections.Count == 0)
            {
                _byParticipant.Remove(participantId);
            }
        }
    }

    /// <summary>Keeps the delivery for connections still to come; returns the connections held now of its participants.</summary>
    public List<string> Deliver(NoticeDelivery delivery)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var targets = new List<string>();
        lock (_byParticipant)
        {
            Expire();
            _recent.Add((clock.GetUtcNow(), delivery.Notice, [.. delivery.ParticipantIds]));
            foreach (var id in delivery.ParticipantIds)
            {
                if (_byParticipant.TryGetValue(id, out var connections))
                {
                    targets.AddRange(connections.Keys);
                }
            }
        }
        return targets;
    }

    /// <summary>Every participant with a connection here, and its connections.</summary>
    public KeyValuePair<Guid, string[]>[] Snapshot()
    {
        lock (_byParticipant)
        {
            return [.. _byParticipant.Select(p => new KeyValuePair<Guid, string[]>(p.Key, [.. p.Value.Keys]))];
        }
    }

    /// <summary>Closes every connection of the participant held here.</summary>
    public void Abort(Guid participantId)
    {
        Action[] aborts;
        lock (_byParticipant)
        {
            aborts = _byParticipant.TryGetValue(participantId, out var connections) ? [.. connections.Values] : [];
        }
        foreach (var abort in aborts)
        {
            abort();
        }
    }

    /// <summary>The notice is in every inbox now: new connections read it there.</summary>
    public void Kept(Guid noticeId)
    {
        lock (_byParticipant)
        {
            _recent.RemoveAll(r => r.Notice.Id == noticeId);
        }
    }

    private void Expire()
    {
        var cutoff = clock.GetUtcNow() - _retention;
        _recent.RemoveAll(r => r.At < cutoff);
    }
}
