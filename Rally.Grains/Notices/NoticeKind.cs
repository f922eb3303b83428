using System.Text.Json.Serialization;
using Rally.Grains.Serialization;

namespace Rally.Grains.Notices;

[GenerateSerializer, Alias("rally.notice-kind")]
[JsonConverter(typeof(StrictEnumConverter<NoticeKind>))]
public enum NoticeKind
{
    [JsonStringEnumMemberName("study-ending")]
    StudyEnding = 0,

    [JsonStringEnumMemberName("study-ended")]
    StudyEnded = 1,

    [JsonStringEnumMemberName("consent-changed")]
    ConsentChanged = 2,

    [JsonStringEnumMemberName("data-deleted")]
    DataDeleted = 3,

    [JsonStringEnumMemberName("study-paused")]
    StudyPaused = 4,

    [JsonStringEnumMemberName("study-resumed")]
    StudyResumed = 5,
}
