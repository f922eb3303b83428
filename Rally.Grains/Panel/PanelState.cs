namespace Rally.Grains.Panel;

/// <summary>
/// The stored counts of one population (state name <c>panel</c>): only numbers of people per answer tuple (tuples
/// nobody holds are removed), never who. <see cref="Applied"/> holds the random ids of moves applied whose mover has
/// not yet confirmed them (normally none for longer than a call), so that a move sent again is not counted twice.
/// </summary>
[GenerateSerializer, Alias("rally.panel-state")]
public sealed class PanelState
{
    [Id(0)] public Dictionary<string, int> Counts { get; set; } = [];
    [Id(1)] public HashSet<Guid> Applied { get; set; } = [];
}
