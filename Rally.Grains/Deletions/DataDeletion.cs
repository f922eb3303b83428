using System.Text.Json.Serialization;
using Rally.Grains.Serialization;

namespace Rally.Grains.Deletions;

/// <summary>What leaving a study means for the data it collected.</summary>
[GenerateSerializer, Alias("rally.data-deletion")]
[JsonConverter(typeof(StrictEnumConverter<DataDeletion>))]
public enum DataDeletion
{
    /// <summary>The study is open (or its raw data is already gone): the participant's data is deleted.</summary>
    [JsonStringEnumMemberName("deleted")]
    Deleted = 0,

    /// <summary>The study has ended: the data stays locked until its analysis completes, then is deleted with everyone's.</summary>
    [JsonStringEnumMemberName("locked")]
    Locked = 1,

    /// <summary>
    /// The study could not be told yet (it or the database is unreachable): the request is kept and sent again until
    /// the study has it, then it is deleted or locked as the study's state says.
    /// </summary>
    [JsonStringEnumMemberName("pending")]
    Pending = 2,
}
