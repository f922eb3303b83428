namespace Rally.Grains.Partners;

/// <summary>The stored researcher (state name <c>researcher</c>): only the hash of its key, never the key.</summary>
[GenerateSerializer, Alias("rally.researcher-state")]
public sealed class ResearcherState
{
    [Id(0)] public Guid PartnerId { get; set; }
    [Id(1)] public string? Name { get; set; }
    [Id(2)] public byte[]? KeyHash { get; set; }
    [Id(3)] public DateTimeOffset CreatedAt { get; set; }
}
