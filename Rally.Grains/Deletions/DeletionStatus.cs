using System.Text.Json.Serialization;
using Rally.Grains.Serialization;

namespace Rally.Grains.Deletions;

/// <summary>Where a deletion request stands.</summary>
[GenerateSerializer, Alias("rally.deletion-status")]
[JsonConverter(typeof(StrictEnumConverter<DeletionStatus>))]
public enum DeletionStatus
{
    /// <summary>Recorded; the study's store has not yet confirmed the deletion.</summary>
    [JsonStringEnumMemberName("pending")]
    Pending = 0,

    /// <summary>The study has ended; deleted when its analysis completes.</summary>
    [JsonStringEnumMemberName("locked")]
    Locked = 1,

    [JsonStringEnumMemberName("completed")]
    Completed = 2,
}
