using System.Text.Json;
using System.Text.Json.Serialization;
using Rally.Grains.Deletions;

namespace Rally.Api.Signing;

/// <summary>
/// What a deletion receipt states, signed by the platform: the request, its study, where it stands, how many events it
/// deleted (null where not counted apart: not yet completed, or deleted with the whole study's data), when it was made
/// and completed, and when the receipt was signed (<c>iat</c>, seconds since the epoch). No participant is named.
/// </summary>
public sealed record DeletionReceiptClaims(
    Guid DeletionId,
    string StudyId,
    DeletionStatus Status,
    DataDeletion DataDeletion,
    long? DeletedEvents,
    DateTimeOffset RequestedAt,
    DateTimeOffset? CompletedAt,
    long Iat);

/// <summary>Signs deletion outcomes: a compact JWS (ES256) over <see cref="DeletionReceiptClaims"/>, verifiable with the platform's JWKS.</summary>
public sealed class DeletionReceipts(PlatformKeys keys, TimeProvider clock)
{
    /// <summary>The receipt's <c>typ</c> (RFC 8725 §3.11: explicit typing, so no other signed object passes for one).</summary>
    public const string Type = "rally-deletion-receipt+jwt";

    public string Sign(DeletionView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        var claims = new DeletionReceiptClaims(view.DeletionId, view.StudyId, view.Status, view.DataDeletion, view.DeletedEvents,
            view.RequestedAt, view.CompletedAt, clock.GetUtcNow().ToUnixTimeSeconds());
        return keys.Sign(Type, JsonSerializer.SerializeToUtf8Bytes(claims, ReceiptJsonContext.Default.DeletionReceiptClaims));
    }
}

[JsonSerializable(typeof(DeletionReceiptClaims))]
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
internal sealed partial class ReceiptJsonContext : JsonSerializerContext;
