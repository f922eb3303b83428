namespace Rally.Grains.Partners;

/// <summary>The stored partner (state name <c>partner</c>). Fields are only added, each with a default, so older records read as before.</summary>
[GenerateSerializer, Alias("rally.partner-state")]
public sealed class PartnerState
{
    [Id(0)] public string? Name { get; set; }
    [Id(1)] public DateTimeOffset CreatedAt { get; set; }
    [Id(2)] public List<Guid> Researchers { get; set; } = [];

    /// <summary>When operators suspended the partner; null while it is not suspended.</summary>
    [Id(3)] public DateTimeOffset? SuspendedAt { get; set; }

    /// <summary>
    /// Ids of studies drafted through this partner that were drafts when last checked; an id whose study was launched,
    /// or never got drafted, is dropped at the next draft. Empty in records written before drafts were counted, whose
    /// older drafts therefore do not count.
    /// </summary>
    [Id(4)] public List<string> Drafts { get; set; } = [];
}
