using System.Text.Json.Serialization;
using Rally.Grains.Serialization;

namespace Rally.Grains.Participants.Demographics;

/// <summary>Age bracket of the census-like survey.</summary>
[GenerateSerializer, Alias("rally.age-range")]
[JsonConverter(typeof(StrictEnumConverter<AgeRange>))]
public enum AgeRange
{
    [JsonStringEnumMemberName("19-24")]
    From19To24 = 0,
    [JsonStringEnumMemberName("25-34")]
    From25To34 = 1,
    [JsonStringEnumMemberName("35-44")]
    From35To44 = 2,
    [JsonStringEnumMemberName("45-54")]
    From45To54 = 3,
    [JsonStringEnumMemberName("55-64")]
    From55To64 = 4,
    [JsonStringEnumMemberName("65+")]
    From65 = 5,
}
