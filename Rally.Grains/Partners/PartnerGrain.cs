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
        if (store.State.Name is null)
        {
            throw new RefusedException(RefusalKind.NotFound, $"No partner '{PartnerId}'.");
        }
        // The researcher holds its key; the partner only lists who it has.
        await GrainFactory.GetGrain<IResearcherGrain>(researcherId).CreateAsync(PartnerId, name, keyHash);
        store.State.Researchers.Add(researcherId);
        await store.WriteStateAsync();
    }

    private PartnerView ToView() => new(PartnerId, store.State.Name!, store.State.CreatedAt, [.. store.State.Researchers]);
}
