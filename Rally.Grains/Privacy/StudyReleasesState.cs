namespace Rally.Grains.Privacy;

/// <summary>A study's published releases (state name <c>study-releases</c>), oldest first; only ever appended to, and kept when the study's data is purged.</summary>
[GenerateSerializer, Alias("rally.study-releases-state")]
public sealed class StudyReleasesState
{
    [Id(0)] public List<StudyRelease> Releases { get; set; } = [];
}
