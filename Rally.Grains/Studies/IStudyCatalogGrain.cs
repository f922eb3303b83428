using Orleans.Concurrency;

namespace Rally.Grains.Studies;

/// <summary>The public list of studies (enrolling, paused and ended), kept up to date by the study grains.</summary>
[Alias("rally.study-catalog-grain")]
public interface IStudyCatalogGrain : IGrainWithIntegerKey
{
    /// <summary>The single catalog's key.</summary>
    const long Key = 0;

    /// <summary>Adds or refreshes a study's card; a study that is no longer public is removed.</summary>
    [Alias("publish")]
    Task PublishAsync(StudyView study);

    [Alias("list"), ReadOnly]
    Task<StudyView[]> ListAsync();
}
