using Rally.Grains.Notices;

namespace Rally.Api.Notices;

/// <summary>A <c>notice</c> message: <c>{ id, kind, studyId, message, endsAt, at }</c>, kinds in kebab-case as in <c>GET /v1/me</c>.</summary>
public sealed record NoticeMessage(Guid Id, NoticeKind Kind, string StudyId, string Message, DateTimeOffset? EndsAt, DateTimeOffset At)
{
    public static NoticeMessage From(Notice n) => new(n.Id, n.Kind, n.StudyId, n.Message, n.EndsAt, n.At);
}
