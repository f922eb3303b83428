namespace Rally.Grains.Partners;

/// <summary>
/// The stored researcher (state name <c>researcher</c>): only the hash of its key, never the key. Fields are only added,
/// each with a default, so older records read as before.
/// </summary>
[GenerateSerializer, Alias("rally.researcher-state")]
public sealed class ResearcherState
{
    [Id(0)] public Guid PartnerId { get; set; }
    [Id(1)] public string? Name { get; set; }

    /// <summary>The SHA-256 of the current key; null once revoked.</summary>
    [Id(2)] public byte[]? KeyHash { get; set; }
    [Id(3)] public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the key last opened a request, written at most once a minute.</summary>
    [Id(4)] public DateTimeOffset? LastUsedAt { get; set; }

    [Id(5)] public DateTimeOffset? RevokedAt { get; set; }
}
