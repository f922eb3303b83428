using Rally.Grains.Refusals;
using Rally.Grains.Storage;

namespace Rally.Grains.Partners;

[GrainType("partner")]
internal sealed class PartnerGrain(
    [PersistentState("partner", StorageNames.Rally)] IPersistentState<PartnerState> store,
    TimeProvider clock) : Grain, IPartnerGrain
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

    public async Task AddResearcherAsync(Guid researcherId, string name, byte[] keyHash)
    {
        EnsureExists();
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
