using System.Text.Json.Serialization;
using Rally.Grains.Serialization;

namespace Rally.Grains.Participants;

[GenerateSerializer, Alias("rally.participant-status")]
[JsonConverter(typeof(StrictEnumConverter<ParticipantStatus>))]
public enum ParticipantStatus
{
    /// <summary>No such participant has joined.</summary>
    [JsonStringEnumMemberName("none")]
    None = 0,

    [JsonStringEnumMemberName("active")]
    Active = 1,

    /// <summary>Left Rally: a tombstone with no personal data.</summary>
    [JsonStringEnumMemberName("left")]
    Left = 2,
}
