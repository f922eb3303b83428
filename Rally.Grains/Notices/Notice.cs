namespace Rally.Grains.Notices;

/// <summary>Something a participant should know, kept until it acknowledges it.</summary>
[GenerateSerializer, Immutable, Alias("rally.notice")]
public sealed record Notice(
    [property: Id(0)] Guid Id,
    [property: Id(1)] NoticeKind Kind,
    [property: Id(2)] string StudyId,
    [property: Id(3)] string Message,
    [property: Id(4)] DateTimeOffset? EndsAt,
    [property: Id(5)] DateTimeOffset At);
