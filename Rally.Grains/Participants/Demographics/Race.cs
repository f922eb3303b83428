using System.Text.Json.Serialization;
using Rally.Grains.Serialization;

namespace Rally.Grains.Participants.Demographics;

/// <summary>Race answers of the survey (several may be chosen).</summary>
[GenerateSerializer, Alias("rally.race")]
[JsonConverter(typeof(StrictEnumConverter<Race>))]
public enum Race
{
    [JsonStringEnumMemberName("american-indian-or-alaska-native")]
    AmericanIndianOrAlaskaNative = 0,
    [JsonStringEnumMemberName("asian-indian")]
    AsianIndian = 1,
    [JsonStringEnumMemberName("black-or-african-american")]
    BlackOrAfricanAmerican = 2,
    [JsonStringEnumMemberName("chamorro")]
    Chamorro = 3,
    [JsonStringEnumMemberName("chinese")]
    Chinese = 4,
    [JsonStringEnumMemberName("filipino")]
    Filipino = 5,
    [JsonStringEnumMemberName("japanese")]
    Japanese = 6,
    [JsonStringEnumMemberName("korean")]
    Korean = 7,
    [JsonStringEnumMemberName("native-hawaiian")]
    NativeHawaiian = 8,
    [JsonStringEnumMemberName("samoan")]
    Samoan = 9,
    [JsonStringEnumMemberName("vietnamese")]
    Vietnamese = 10,
    [JsonStringEnumMemberName("white")]
    White = 11,
    [JsonStringEnumMemberName("other-asian")]
    OtherAsian = 12,
    [JsonStringEnumMemberName("other-pacific-islander")]
    OtherPacificIslander = 13,
    [JsonStringEnumMemberName("some-other-race")]
    SomeOtherRace = 14,
}
