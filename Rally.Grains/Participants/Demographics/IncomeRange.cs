using System.Text.Json.Serialization;
using Rally.Grains.Serialization;

namespace Rally.Grains.Participants.Demographics;

/// <summary>Yearly household income bracket, in US dollars.</summary>
[GenerateSerializer, Alias("rally.income-range")]
[JsonConverter(typeof(StrictEnumConverter<IncomeRange>))]
public enum IncomeRange
{
    [JsonStringEnumMemberName("0-24999")]
    Under25000 = 0,
    [JsonStringEnumMemberName("25000-49999")]
    From25000To49999 = 1,
    [JsonStringEnumMemberName("50000-74999")]
    From50000To74999 = 2,
    [JsonStringEnumMemberName("75000-99999")]
    From75000To99999 = 3,
    [JsonStringEnumMemberName("100000-149999")]
    From100000To149999 = 4,
    [JsonStringEnumMemberName("150000+")]
    From150000 = 5,
}
