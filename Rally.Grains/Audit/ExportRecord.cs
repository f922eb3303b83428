namespace Rally.Grains.Audit;

/// <summary>
/// One read of a study's data: who read it, when, from which cursor, how many events (or profiles) it got, and
/// <see cref="Kind"/>, what was read: <c>events</c> or <c>demographics</c>; null in records made before reads had a kind,
/// which were all event exports.
/// </summary>
[GenerateSerializer, Immutable, Alias("rally.export-record")]
public sealed record ExportRecord(
    [property: Id(0)] Guid ResearcherId,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] string After,
    [property: Id(3)] long Events,
    [property: Id(4)] bool Completed,
    [property: Id(5)] string Kind);
