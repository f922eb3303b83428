using Rally.Grains.Security;

namespace Rally.Grains.Participants;

/// <summary>The participant's token: checking it, and replacing it so that a resent replacement gets the same answer.</summary>
internal sealed partial class ParticipantGrain
{
    /// <summary>How long a replaced token may still resend its replacement, if the new token is not used before.</summary>
    private static readonly TimeSpan ResendWindow = TimeSpan.FromHours(1);

    public async ValueTask<bool> AuthenticateAsync(byte[] tokenHash, CancellationToken cancellationToken)
    {
        if (State.Status != ParticipantStatus.Active || !SecretHash.Matches(State.TokenHash, tokenHash))
        {
            return false;
        }
        if (State.ReplacedTokenHash is not null)
        {
            // The new token is in use, so its holder has it: the replaced one may no longer ask for it again.
            State.ReplacedTokenHash = null;
            State.ReplacedAt = null;
            await store.WriteStateAsync(CancellationToken.None);
        }
        return true;
    }

    public ValueTask<bool> IsReplacedTokenAsync(byte[] tokenHash, CancellationToken cancellationToken) => ValueTask.FromResult(MayResend(tokenHash));

    public async Task<bool> ReplaceTokenAsync(byte[] currentHash, byte[] nextHash, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(nextHash);
        if (State.Status != ParticipantStatus.Active)
        {
            return false;
        }
        if (SecretHash.Matches(State.TokenHash, currentHash))
        {
            State.ReplacedTokenHash = currentHash;
            State.ReplacedAt = clock.GetUtcNow();
            State.TokenHash = nextHash;
            await store.WriteStateAsync(CancellationToken.None);
            await CloseNoticeConnectionsAsync();
            return true;
        }
        // The same replacement sent again: the front made the same new token from the old one and the same request id.
        return MayResend(currentHash) && SecretHash.Matches(State.TokenHash, nextHash);
    }

    private bool MayResend(byte[] tokenHash) =>
        State.Status == ParticipantStatus.Active
        && SecretHash.Matches(State.ReplacedTokenHash, tokenHash)
        && clock.GetUtcNow() - State.ReplacedAt < ResendWindow;
}
