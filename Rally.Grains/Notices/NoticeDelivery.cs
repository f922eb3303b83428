namespace Rally.Grains.Notices;

/// <summary>One notice for many participants: what a front receives in one message and sends to those it holds connections of.</summary>
[GenerateSerializer, Immutable, Alias("rally.notice-delivery")]
public sealed record NoticeDelivery(
    [property: Id(0)] Notice Notice,
    [property: Id(1)] Guid[] ParticipantIds);
