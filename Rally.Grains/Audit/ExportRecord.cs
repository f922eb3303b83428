namespace Rally.Grains.Audit;

/// <summary>
/// One read of a study's data: who read it (<see cref="Guid.Empty"/> for an operator), when, from which cursor, how
/// many events (or, for <see cref="ExportKinds.Demographics"/>, profiles) it got, and what was read (<see cref="Kind"/>:
/// records stored before reads had kinds read as <see cref="ExportKinds.Events"/>).
/// </summary>
[GenerateSerializer, Immutable, Alias("rally.export-record")]
public sealed record ExportRecord(
    [property: Id(0)] Guid ResearcherId,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] string After,
    [property: Id(3)] long Events,
    [property: Id(4)] bool Completed,
    [property: Id(5)] string Kind = ExportKinds.Events);

/// <summary>What an <see cref="ExportRecord"/> read.</summary>
public static class ExportKinds
{
    /// <summary>The study's events (<c>GET /v1/studies/{studyId}/events</c>).</summary>
    public const string Events = "events";

    /// <summary>The profiles shared with the study (<c>GET /v1/studies/{studyId}/demographics</c>).</summary>
    public const string Demographics = "demographics";
}
