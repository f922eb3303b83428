namespace Rally.Grains.Partners;

/// <summary>The stored partner (state name <c>partner</c>).</summary>
[GenerateSerializer, Alias("rally.partner-state")]
public sealed class PartnerState
{
    [Id(0)] public string? Name { get; set; }
    [Id(1)] public DateTimeOffset CreatedAt { get; set; }
    [Id(2)] public List<Guid> Researchers { get; set; } = [];
}
