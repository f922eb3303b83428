using Microsoft.Extensions.Options;
using Rally.Grains.Refusals;
using Rally.Grains.Storage;
using Rally.Grains.Studies;

namespace Rally.Grains.Partners;

[GrainType("partner")]
internal sealed class PartnerGrain(
    [PersistentState("partner", StorageNames.Rally)] IPersistentState<PartnerState> store,
    TimeProvider clock,
    IOptions<PartnerOptions> options) : Grain, IPartnerGrain
{
    private Guid PartnerId => this.GetPrimaryKey();

    public async Task<PartnerView> CreateAsync(string name)
    {
        if (store.State.Name is not null)
        {
            throw new RefusedException(RefusalKind.AlreadyExists, $"Partner '{PartnerId}' already exists.");
        }
        store.State.Name = name;
        store.State.CreatedAt = clock.GetUtcNow();
        await store.WriteStateAsync();
        return ToView();
    }

    public Task<PartnerView?> GetAsync() => Task.FromResult(store.State.Name is null ? null : ToView());

    public async Task<StudyView> DraftStudyAsync(string studyId, StudyCard card)
    {
        EnsureExists();
        // Drafting passes through here, one call at a time, so no other draft of this partner is under way: an id whose
        // study is not a draft was launched, or its drafting failed after the id was stored, and no longer counts.
        var states = await Task.WhenAll(store.State.Drafts.Select(id => GrainFactory.GetGrain<IStudyGrain>(id).GetAsync()));
        var drafts = store.State.Drafts.Where((_, i) => states[i]?.State == StudyLifecycle.Draft).ToList();
        if (drafts.Count >= options.Value.MaxDrafts)
        {
            throw new RefusedException(RefusalKind.LimitReached,
                $"Partner '{PartnerId}' holds {drafts.Count} draft studies, the most this deployment allows (Rally:Partners:MaxDrafts).");
        }
        // Stored before the study is drafted, so that a draft is never left uncounted.
        drafts.Add(studyId);
        store.State.Drafts = drafts;
        await store.WriteStateAsync();
        return await GrainFactory.GetGrain<IStudyGrain>(studyId).DraftAsync(card);
    }

    public async Task AddResearcherAsync(Guid researcherId, string name, byte[] keyHash)
    {
        EnsureExists();
        var keys = await ListResearchersAsync();
        var active = keys.Count(k => k.RevokedAt is null);
        if (active >= options.Value.MaxResearchers)
        {
            throw new RefusedException(RefusalKind.LimitReached,
                $"Partner '{PartnerId}' holds {active} researcher keys not revoked, the most this deployment allows (Rally:Partners:MaxResearchers).");
        }
        // The researcher holds its key; the partner only lists who it has.
        await GrainFactory.GetGrain<IResearcherGrain>(researcherId).CreateAsync(PartnerId, name, keyHash);
        store.State.Researchers.Add(researcherId);
        await store.WriteStateAsync();
    }

    public async Task<ResearcherView[]> ListResearchersAsync()
    {
        EnsureExists();
        var views = await Task.WhenAll(store.State.Researchers.Select(id => GrainFactory.GetGrain<IResearcherGrain>(id).GetAsync()));
        return [.. views.OfType<ResearcherView>()];
    }

    public Task RevokeResearcherAsync(Guid researcherId) => Researcher(researcherId).RevokeAsync();

    public Task RotateResearcherAsync(Guid researcherId, byte[] keyHash) => Researcher(researcherId).RotateAsync(keyHash);

    public async Task<PartnerView> SuspendAsync()
    {
        EnsureExists();
        if (store.State.SuspendedAt is null)
        {
            store.State.SuspendedAt = clock.GetUtcNow();
            await store.WriteStateAsync();
        }
        return ToView();
    }

    public async Task<PartnerView> ReinstateAsync()
    {
        EnsureExists();
        if (store.State.SuspendedAt is not null)
        {
            store.State.SuspendedAt = null;
            await store.WriteStateAsync();
        }
        return ToView();
    }

    public ValueTask<bool> IsActiveAsync() => ValueTask.FromResult(store.State.Name is not null && store.State.SuspendedAt is null);

    /// <summary>One of this partner's researchers; any other id is refused as not found, as an unknown one is.</summary>
    private IResearcherGrain Researcher(Guid researcherId)
    {
        EnsureExists();
        if (!store.State.Researchers.Contains(researcherId))
        {
            throw new RefusedException(RefusalKind.NotFound, $"Partner '{PartnerId}' has no researcher '{researcherId}'.");
        }
        return GrainFactory.GetGrain<IResearcherGrain>(researcherId);
    }

    private void EnsureExists()
    {
        if (store.State.Name is null)
        {
            throw new RefusedException(RefusalKind.NotFound, $"No partner '{PartnerId}'.");
        }
    }

    private PartnerView ToView() => new(PartnerId, store.State.Name!, store.State.CreatedAt, [.. store.State.Researchers], store.State.SuspendedAt);
}
