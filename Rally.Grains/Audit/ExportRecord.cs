namespace Rally.Grains.Audit;

/// <summary>One read of a study's raw data: who read it, when, from which cursor, and how many events it got.</summary>
[GenerateSerializer, Immutable, Alias("rally.export-record")]
public sealed record ExportRecord(
    [property: Id(0)] Guid ResearcherId,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] string After,
    [property: Id(3)] long Events,
    [property: Id(4)] bool Completed);
