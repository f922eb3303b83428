using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Rally.Api.Authentication;

namespace Rally.Api.Notices;

/// <summary>
/// Short-lived tickets for the notice hub, so that browsers (which cannot set headers on WebSockets) never put the
/// long-lived token in a URL, where proxies log it. A ticket is <c>rt_&lt;participant id&gt;_&lt;expiry&gt;_&lt;nonce&gt;_&lt;mac&gt;</c>:
/// self-contained and sealed (HMAC-SHA256 under a key derived from <c>Rally:Credentials:Key</c>), so reading one asks
/// no grain; the participant's grain then checks that the participant is still in Rally and that the ticket opened no
/// other connection.
/// </summary>
public sealed class HubTickets(IOptions<CredentialOptions> credentials, IOptions<NoticeOptions> options, TimeProvider clock)
{
    public const string Prefix = "rt_";

    private readonly byte[] _key = credentials.Value.DeriveKey("rally/hub-tickets/hmac-sha256");

    /// <summary>A new ticket for the participant, and when it expires.</summary>
    public (string Ticket, DateTimeOffset ExpiresAt) Issue(Guid participantId)
    {
        var expiresAt = clock.GetUtcNow() + options.Value.TicketLifetime;
        var body = string.Create(CultureInfo.InvariantCulture,
            $"{Prefix}{participantId:N}_{expiresAt.ToUnixTimeSeconds()}_{Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16))}");
        return ($"{body}_{Mac(body)}", DateTimeOffset.FromUnixTimeSeconds(expiresAt.ToUnixTimeSeconds()));
    }

    /// <summary>The ticket's participant, expiry and nonce when it was issued here and has not expired; null otherwise.</summary>
    public (Guid ParticipantId, DateTimeOffset ExpiresAt, string Nonce)? Read(string ticket)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        // By position: nonce and MAC are base64url, whose alphabet includes '_'.
        const int idEnd = 3 + 32;
        var secondsEnd = ticket.Length > idEnd + 1 ? ticket.IndexOf('_', idEnd + 1) : -1;
        if (!ticket.StartsWith(Prefix, StringComparison.Ordinal) || secondsEnd < 0 || ticket[idEnd] != '_'
            || ticket.Length != secondsEnd + 1 + 22 + 1 + 22 || ticket[secondsEnd + 23] != '_'
            || !Guid.TryParseExact(ticket.AsSpan(3, 32), "N", out var participantId)
            || !long.TryParse(ticket.AsSpan(idEnd + 1, secondsEnd - idEnd - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || !CryptographicOperations.FixedTimeEquals(
                Encoding.ASCII.GetBytes(Mac(ticket[..(secondsEnd + 23)])), Encoding.ASCII.GetBytes(ticket[(secondsEnd + 24)..])))
        {
            return null;
        }
        var expiresAt = DateTimeOffset.FromUnixTimeSeconds(Math.Min(seconds, DateTimeOffset.MaxValue.ToUnixTimeSeconds()));
        return expiresAt > clock.GetUtcNow() ? (participantId, expiresAt, ticket.Substring(secondsEnd + 1, 22)) : null;
    }

    private string Mac(string body) =>
        Base64Url.EncodeToString(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(body)).AsSpan(0, 16));
}
