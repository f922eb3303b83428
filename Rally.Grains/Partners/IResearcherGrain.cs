using Orleans.Concurrency;

namespace Rally.Grains.Partners;

/// <summary>A researcher of one partner, keyed by its researcher id; holds only the hash of its key.</summary>
[Alias("rally.researcher-grain")]
public interface IResearcherGrain : IGrainWithGuidKey
{
    [Alias("create")]
    Task CreateAsync(Guid partnerId, string name, byte[] keyHash);

    /// <summary>
    /// The researcher when the key hash is its own, the key is not revoked and its partner is not suspended (asked of
    /// the partner each time: nothing is cached that could go stale); otherwise null.
    /// </summary>
    [Alias("authenticate")]
    ValueTask<ResearcherIdentity?> AuthenticateAsync(byte[] keyHash, CancellationToken cancellationToken = default);

    /// <summary>The researcher, or null when none was created under this id.</summary>
    [Alias("get"), ReadOnly]
    Task<ResearcherView?> GetAsync();

    /// <summary>The key is refused from now on, for good. Revoking twice is harmless.</summary>
    [Alias("revoke")]
    Task RevokeAsync();

    /// <summary>Replaces the key (its hash): the old one is refused from now on. Refused for a revoked researcher.</summary>
    [Alias("rotate")]
    Task RotateAsync(byte[] keyHash);
}
