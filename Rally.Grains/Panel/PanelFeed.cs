using Rally.Grains.Participants;

namespace Rally.Grains.Panel;

/// <summary>
/// What the panels count of one participant, kept in its own state so that each change reaches them exactly once.
/// <see cref="Counted"/> is what the panels will count once <see cref="Unsent"/> is applied; a change of the
/// participant (profile, enrollments, leaving) becomes moves from there (<see cref="Queue"/>), each with a random id,
/// stored before it is sent and sent again until its panel has it; the panel keeps the id, to refuse it a second
/// time, until told to forget it (<see cref="Unforgotten"/>), which only happens once this record no longer sends it.
/// </summary>
[GenerateSerializer, Alias("rally.panel-feed")]
public sealed class PanelFeed
{
    /// <summary>Answer tuple (<see cref="AnswerTuple.Key"/>) by population (<see cref="PanelPopulations"/>).</summary>
    [Id(0)] public Dictionary<string, string> Counted { get; set; } = [];

    /// <summary>Moves stored and not yet confirmed by their panel, in the order they are to be applied.</summary>
    [Id(1)] public List<PanelMove> Unsent { get; set; } = [];

    /// <summary>Moves their panel applied (ids and populations only) whose ids it still keeps.</summary>
    [Id(2)] public List<PanelMove> Unforgotten { get; set; } = [];

    /// <summary>
    /// What the panels should count of <paramref name="participant"/>: its answers (<see cref="AnswerTuple"/>) in Rally's
    /// population and in each study it is enrolled in while it is active; nothing once it has left.
    /// </summary>
    public static IReadOnlyDictionary<string, string> WantedBy(ParticipantState participant)
    {
        ArgumentNullException.ThrowIfNull(participant);
        if (participant.Status != ParticipantStatus.Active)
        {
            return new Dictionary<string, string>();
        }
        var answers = AnswerTuple.Of(participant.Profile).Key;
        return participant.Enrollments.Keys.Select(PanelPopulations.Study).Append(PanelPopulations.Rally).ToDictionary(p => p, _ => answers);
    }

    /// <summary>Moves to store, send or forget, or a change not yet turned into moves.</summary>
    public bool HasWork(ParticipantState participant) =>
        Unsent.Count > 0 || Unforgotten.Count > 0 || !SameAs(WantedBy(participant));

    /// <summary>Adds the moves that make the panels count <paramref name="wanted"/>; false when they already will.</summary>
    public bool Queue(IReadOnlyDictionary<string, string> wanted)
    {
        ArgumentNullException.ThrowIfNull(wanted);
        if (SameAs(wanted))
        {
            return false;
        }
        foreach (var population in Counted.Keys.Union(wanted.Keys).Order(StringComparer.Ordinal).ToArray())
        {
            var from = Counted.GetValueOrDefault(population);
            var to = wanted.GetValueOrDefault(population);
            if (from == to)
            {
                continue;
            }
            Unsent.Add(new PanelMove(Guid.NewGuid(), population, from, to));
            if (to is null)
            {
                Counted.Remove(population);
            }
            else
            {
                Counted[population] = to;
            }
        }
        return true;
    }

    private bool SameAs(IReadOnlyDictionary<string, string> wanted) =>
        wanted.Count == Counted.Count && wanted.All(w => Counted.GetValueOrDefault(w.Key) == w.Value);
}

/// <summary>One participant's contribution to one population moving from one answer tuple to another (null: none).</summary>
[GenerateSerializer, Immutable, Alias("rally.panel-move")]
public sealed record PanelMove(
    [property: Id(0)] Guid Id,
    [property: Id(1)] string Population,
    [property: Id(2)] string? From,
    [property: Id(3)] string? To);
