using Orleans.Concurrency;

namespace Rally.Grains.Demographics;

/// <summary>
/// The profiles shared with one study (keyed by its study id), each a copy kept current by its participant's grain:
/// shared at enrollment or later, replaced when the profile changes, withdrawn when sharing stops, the profile is
/// deleted, or the participant leaves the study or Rally. Reading them asks no participant.
/// </summary>
[Alias("rally.study-demographics-grain")]
public interface IStudyDemographicsGrain : IGrainWithStringKey
{
    /// <summary>Keeps (or replaces) <paramref name="profile"/>, under its pseudonym; ignored once the study's analysis completed.</summary>
    [Alias("share")]
    Task ShareAsync(SharedProfile profile);

    /// <summary>Forgets the profile shared under <paramref name="pseudonym"/>, if any; harmless when repeated.</summary>
    [Alias("withdraw")]
    Task WithdrawAsync(string pseudonym);

    /// <summary>At most <paramref name="limit"/> shared profiles, by pseudonym (ordinal order), after <paramref name="after"/> (from the first when null).</summary>
    [Alias("list-page"), ReadOnly]
    Task<SharedProfile[]> ListPageAsync(string? after, int limit);

    /// <summary>The study's analysis completed: every profile is forgotten, and none is kept from now on.</summary>
    [Alias("purge")]
    Task PurgeAsync();
}
