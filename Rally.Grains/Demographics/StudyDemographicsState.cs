using Rally.Grains.Participants;

namespace Rally.Grains.Demographics;

/// <summary>
/// The stored profiles shared with a study (state name <c>study-demographics</c>), by pseudonym: no participant id.
/// Fields are only ever added, each with a default, so older records read as before.
/// </summary>
[GenerateSerializer, Alias("rally.study-demographics-state")]
public sealed class StudyDemographicsState
{
    [Id(0)] public Dictionary<string, DemographicProfile> Profiles { get; set; } = [];

    /// <summary>The study's analysis completed: profiles were purged and no more are kept.</summary>
    [Id(1)] public bool Closed { get; set; }
}
