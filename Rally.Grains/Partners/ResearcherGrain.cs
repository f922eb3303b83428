using Rally.Grains.Refusals;
using Rally.Grains.Security;
using Rally.Grains.Storage;

namespace Rally.Grains.Partners;

[GrainType("researcher")]
internal sealed class ResearcherGrain(
    [PersistentState("researcher", StorageNames.Rally)] IPersistentState<ResearcherState> store,
    TimeProvider clock) : Grain, IResearcherGrain
{
    public async Task CreateAsync(Guid partnerId, string name, byte[] keyHash)
    {
        if (store.State.KeyHash is not null)
        {
            throw new RefusedException(RefusalKind.AlreadyExists, "This researcher already exists.");
        }
        store.State.PartnerId = partnerId;
        store.State.Name = name;
        store.State.KeyHash = keyHash;
        store.State.CreatedAt = clock.GetUtcNow();
        await store.WriteStateAsync();
    }

    public ValueTask<ResearcherIdentity?> AuthenticateAsync(byte[] keyHash) =>
        ValueTask.FromResult(SecretHash.Matches(store.State.KeyHash, keyHash)
            ? new ResearcherIdentity(this.GetPrimaryKey(), store.State.PartnerId)
            : null);
}
