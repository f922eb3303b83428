namespace Rally.Grains.Audit;

/// <summary>The stored audit log (state name <c>study-audit</c>). Entries are only ever appended.</summary>
[GenerateSerializer, Alias("rally.study-audit-state")]
public sealed class StudyAuditState
{
    [Id(0)] public List<ExportRecord> Exports { get; set; } = [];
}
