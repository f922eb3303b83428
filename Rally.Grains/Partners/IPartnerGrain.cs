using Orleans.Concurrency;

namespace Rally.Grains.Partners;

/// <summary>A research partner, keyed by its partner id.</summary>
[Alias("rally.partner-grain")]
public interface IPartnerGrain : IGrainWithGuidKey
{
    [Alias("create")]
    Task<PartnerView> CreateAsync(string name);

    /// <summary>The partner, or null when none was created under this id.</summary>
    [Alias("get"), ReadOnly]
    Task<PartnerView?> GetAsync();

    /// <summary>Issues a researcher key for this partner; the key's hash is kept by the researcher grain.</summary>
    [Alias("add-researcher")]
    Task AddResearcherAsync(Guid researcherId, string name, byte[] keyHash);
}
