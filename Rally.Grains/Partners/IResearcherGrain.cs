namespace Rally.Grains.Partners;

/// <summary>A researcher of one partner, keyed by its researcher id; holds only the hash of its key.</summary>
[Alias("rally.researcher-grain")]
public interface IResearcherGrain : IGrainWithGuidKey
{
    [Alias("create")]
    Task CreateAsync(Guid partnerId, string name, byte[] keyHash);

    /// <summary>The researcher when the key hash is its own, otherwise null.</summary>
    [Alias("authenticate")]
    ValueTask<ResearcherIdentity?> AuthenticateAsync(byte[] keyHash);
}
