using System.Text.Json.Serialization;
using Rally.Grains.Serialization;

namespace Rally.Grains.Studies;

/// <summary>Where a study is in its life: <c>draft → enrolling → ended → analysis-complete</c>.</summary>
[GenerateSerializer, Alias("rally.study-lifecycle")]
[JsonConverter(typeof(StrictEnumConverter<StudyLifecycle>))]
public enum StudyLifecycle
{
    /// <summary>No study has been drafted under this id.</summary>
    [JsonStringEnumMemberName("none")]
    None = 0,

    [JsonStringEnumMemberName("draft")]
    Draft = 1,

    [JsonStringEnumMemberName("enrolling")]
    Enrolling = 2,

    [JsonStringEnumMemberName("ended")]
    Ended = 3,

    [JsonStringEnumMemberName("analysis-complete")]
    AnalysisComplete = 4,
}
