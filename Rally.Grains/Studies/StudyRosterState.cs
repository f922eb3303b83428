namespace Rally.Grains.Studies;

/// <summary>The stored bucket of a study's roster (state name <c>study-roster</c>).</summary>
[GenerateSerializer, Alias("rally.study-roster-state")]
public sealed class StudyRosterState
{
    /// <summary>Enrolled participants of the bucket and the consent version each gave.</summary>
    [Id(0)] public Dictionary<Guid, string> Enrolled { get; set; } = [];
}
