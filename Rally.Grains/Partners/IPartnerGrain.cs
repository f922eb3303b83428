using Orleans.Concurrency;
using Rally.Grains.Studies;

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

    /// <summary>
    /// Drafts a study of this partner under <paramref name="studyId"/>, refused as <c>limit-reached</c> when the partner
    /// already holds <see cref="PartnerOptions.MaxDrafts"/> drafts.
    /// </summary>
    [Alias("draft-study")]
    Task<StudyView> DraftStudyAsync(string studyId, StudyCard card);

    /// <summary>
    /// Issues a researcher key for this partner; the key's hash is kept by the researcher grain. Refused as
    /// <c>limit-reached</c> when the partner already holds <see cref="PartnerOptions.MaxResearchers"/> keys not revoked.
    /// </summary>
    [Alias("add-researcher")]
    Task AddResearcherAsync(Guid researcherId, string name, byte[] keyHash);

    /// <summary>Each of the partner's researchers as operators see them.</summary>
    [Alias("list-researchers"), ReadOnly]
    Task<ResearcherView[]> ListResearchersAsync();

    /// <summary>Revokes one of this partner's researcher keys; refused as not found for anyone else's researcher.</summary>
    [Alias("revoke-researcher")]
    Task RevokeResearcherAsync(Guid researcherId);

    /// <summary>Gives one of this partner's researchers a new key (its hash); the old key is refused from now on.</summary>
    [Alias("rotate-researcher")]
    Task RotateResearcherAsync(Guid researcherId, byte[] keyHash);

    /// <summary>Every researcher key of the partner is refused until it is reinstated; its studies and data are untouched.</summary>
    [Alias("suspend")]
    Task<PartnerView> SuspendAsync();

    [Alias("reinstate")]
    Task<PartnerView> ReinstateAsync();

    /// <summary>True when the partner exists and is not suspended; asked by its researchers on each authentication.</summary>
    [Alias("is-active"), ReadOnly]
    ValueTask<bool> IsActiveAsync();
}
