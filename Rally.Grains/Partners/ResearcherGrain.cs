using Rally.Grains.Refusals;
using Rally.Grains.Security;
using Rally.Grains.Storage;

namespace Rally.Grains.Partners;

[GrainType("researcher")]
internal sealed class ResearcherGrain(
    [PersistentState("researcher", StorageNames.Rally)] IPersistentState<ResearcherState> store,
    TimeProvider clock) : Grain, IResearcherGrain
{
    /// <summary>How stale <see cref="ResearcherState.LastUsedAt"/> may be: coarse, so authenticating rarely writes.</summary>
    private static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    private ResearcherState State => store.State;

    public async Task CreateAsync(Guid partnerId, string name, byte[] keyHash)
    {
        if (State.Name is not null)
        {
            throw new RefusedException(RefusalKind.AlreadyExists, "This researcher already exists.");
        }
        State.PartnerId = partnerId;
        State.Name = name;
        State.KeyHash = keyHash;
        State.CreatedAt = clock.GetUtcNow();
        await store.WriteStateAsync();
    }

    public async ValueTask<ResearcherIdentity?> AuthenticateAsync(byte[] keyHash, CancellationToken cancellationToken)
    {
        // The partner is asked every time rather than told of its suspension: nothing here can go stale, and a
        // suspension holds from the moment the partner has recorded it, whatever fails meanwhile.
        if (!SecretHash.Matches(State.KeyHash, keyHash) || !await GrainFactory.GetGrain<IPartnerGrain>(State.PartnerId).IsActiveAsync())
        {
            return null;
        }
        var now = clock.GetUtcNow();
        if (State.LastUsedAt is not { } last || now - last >= LastUsedResolution)
        {
            State.LastUsedAt = now;
            await store.WriteStateAsync(CancellationToken.None);
        }
        return new ResearcherIdentity(this.GetPrimaryKey(), State.PartnerId);
    }

    public Task<ResearcherView?> GetAsync() => Task.FromResult(State.Name is null
        ? null
        : new ResearcherView(this.GetPrimaryKey(), State.Name, State.CreatedAt, State.LastUsedAt, State.RevokedAt));

    public async Task RevokeAsync()
    {
        if (State.RevokedAt is not null)
        {
            return;
        }
        State.KeyHash = null;
        State.RevokedAt = clock.GetUtcNow();
        await store.WriteStateAsync();
    }

    public async Task RotateAsync(byte[] keyHash)
    {
        if (State.Name is null || State.RevokedAt is not null)
        {
            throw new RefusedException(RefusalKind.NotFound, "This researcher's key was revoked; issue a new researcher instead.");
        }
        State.KeyHash = keyHash;
        await store.WriteStateAsync();
    }
}
