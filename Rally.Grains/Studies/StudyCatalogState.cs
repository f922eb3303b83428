namespace Rally.Grains.Studies;

/// <summary>The stored catalog (state name <c>study-catalog</c>): the public studies by id.</summary>
[GenerateSerializer, Alias("rally.study-catalog-state")]
public sealed class StudyCatalogState
{
    [Id(0)] public Dictionary<string, StudyView> Studies { get; set; } = [];
}
