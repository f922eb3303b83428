namespace Rally.Grains.Audit;

/// <summary>
/// One read of a study's data as a participant sees it (<c>GET /v1/me/export</c>): when, what (<c>events</c> or
/// <c>demographics</c>) and how many were read; never who read it.
/// </summary>
[GenerateSerializer, Immutable, Alias("rally.data-read")]
public sealed record DataRead(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] string Kind,
    [property: Id(2)] long Count);

/// <summary>A span of time during which a study may have held a participant's data: from enrolling until its deletion completed (null: still open).</summary>
[GenerateSerializer, Immutable, Alias("rally.read-window")]
public sealed record ReadWindow(
    [property: Id(0)] DateTimeOffset From,
    [property: Id(1)] DateTimeOffset? Until);

/// <summary>A page of <see cref="DataRead"/>s; <see cref="Next"/> is the log position to read on from, null after the last.</summary>
[GenerateSerializer, Immutable, Alias("rally.data-read-page")]
public sealed record DataReadPage(
    [property: Id(0)] DataRead[] Reads,
    [property: Id(1)] int? Next);
