using System.Text.Json.Serialization;
using Rally.Grains.Serialization;

namespace Rally.Grains.Participants.Demographics;

/// <summary>Highest level of school completed.</summary>
[GenerateSerializer, Alias("rally.school-level")]
[JsonConverter(typeof(StrictEnumConverter<SchoolLevel>))]
public enum SchoolLevel
{
    [JsonStringEnumMemberName("less-than-high-school")]
    LessThanHighSchool = 0,
    [JsonStringEnumMemberName("some-high-school")]
    SomeHighSchool = 1,
    [JsonStringEnumMemberName("high-school-graduate")]
    HighSchoolGraduate = 2,
    [JsonStringEnumMemberName("some-college")]
    SomeCollege = 3,
    [JsonStringEnumMemberName("associate-degree")]
    AssociateDegree = 4,
    [JsonStringEnumMemberName("bachelor-degree")]
    BachelorDegree = 5,
    [JsonStringEnumMemberName("graduate-degree")]
    GraduateDegree = 6,
}
