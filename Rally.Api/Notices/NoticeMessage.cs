using Rally.Grains.Notices;

namespace Rally.Api.Notices;

/// <summary>
/// A notice as participants see it, in <c>GET /v1/me</c> and as the hub's <c>notice</c> message:
/// <c>{ id, kind, studyId, message, endsAt, at }</c>, kinds in kebab-case.
/// </summary>
public sealed record NoticeMessage(Guid Id, NoticeKind Kind, string StudyId, string Message, DateTimeOffset? EndsAt, DateTimeOffset At)
{
    public static NoticeMessage From(Notice n) => new(n.Id, n.Kind, n.StudyId, n.Message, n.EndsAt, n.At);
}
