using System.Text.Json.Serialization;
using Rally.Grains.Serialization;

namespace Rally.Grains.Panel;

/// <summary>The single-answer questions of the demographic profile, named as in the profile.</summary>
[GenerateSerializer, Alias("rally.panel-question")]
[JsonConverter(typeof(StrictEnumConverter<PanelQuestion>))]
public enum PanelQuestion
{
    [JsonStringEnumMemberName("ageRange")]
    AgeRange = 0,
    [JsonStringEnumMemberName("gender")]
    Gender = 1,
    [JsonStringEnumMemberName("hispanicLatinxSpanishOrigin")]
    HispanicLatinxSpanishOrigin = 2,
    [JsonStringEnumMemberName("schoolLevel")]
    SchoolLevel = 3,
    [JsonStringEnumMemberName("householdIncomeRange")]
    HouseholdIncomeRange = 4,

    /// <summary>Counted by its 3-digit prefix.</summary>
    [JsonStringEnumMemberName("zipCode")]
    ZipCode = 5,
}
