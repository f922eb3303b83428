using System.Text.Json.Serialization;
using Rally.Grains.Serialization;

namespace Rally.Grains.Participants.Demographics;

/// <summary>Gender answer of the survey.</summary>
[GenerateSerializer, Alias("rally.gender")]
[JsonConverter(typeof(StrictEnumConverter<Gender>))]
public enum Gender
{
    [JsonStringEnumMemberName("male")]
    Male = 0,
    [JsonStringEnumMemberName("female")]
    Female = 1,
    [JsonStringEnumMemberName("neither")]
    Neither = 2,
    [JsonStringEnumMemberName("decline")]
    Decline = 3,
}
