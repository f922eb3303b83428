using Orleans.Concurrency;

namespace Rally.Grains.Privacy;

/// <summary>A study's differentially private releases, keyed by study id; anyone may read them.</summary>
[Alias("rally.study-releases-grain")]
public interface IStudyReleasesGrain : IGrainWithStringKey
{
    /// <summary>
    /// Charges the ε to the study's budget (durably, first), then computes, stores and returns the release. Refused when
    /// the study is not launched, its data was purged, or the budget would be passed. Idempotent by release id.
    /// </summary>
    [Alias("publish")]
    Task<StudyRelease> PublishAsync(ReleaseCommand command);

    /// <summary>Newest first: at most <paramref name="limit"/> releases numbered below <paramref name="before"/> (all when null).</summary>
    [Alias("list-page"), ReadOnly]
    Task<StudyRelease[]> ListPageAsync(int? before, int limit);
}
