namespace Rally.Grains.Studies;

/// <summary>A study as it stands: its card, where it is in its life, and how many are enrolled.</summary>
[GenerateSerializer, Immutable, Alias("rally.study-view")]
public sealed record StudyView(
    [property: Id(0)] string StudyId,
    [property: Id(1)] StudyCard Card,
    [property: Id(2)] StudyLifecycle State,
    [property: Id(3)] DateTimeOffset CreatedAt,
    [property: Id(4)] DateTimeOffset? LaunchedAt,
    [property: Id(5)] DateTimeOffset? EndsAt,
    [property: Id(6)] DateTimeOffset? EndedAt,
    [property: Id(7)] DateTimeOffset? AnalysisCompletedAt,
    [property: Id(8)] int Enrolled);
