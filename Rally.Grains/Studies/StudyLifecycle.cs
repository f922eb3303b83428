using System.Text.Json.Serialization;
using Rally.Grains.Serialization;

namespace Rally.Grains.Studies;

/// <summary>
/// Where a study is in its life: <c>draft → enrolling → ended → analysis-complete</c>; an enrolling study may be
/// <c>paused</c> by operators (a kill switch) and resumed, and ends from either. Members are stored and sent by
/// name, never by number.
/// </summary>
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

    /// <summary>Launched and still open, but stopped by an operator: no uploads, no enrollments, until resumed.</summary>
    [JsonStringEnumMemberName("paused")]
    Paused = 5,
}
