using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Rally.Api.Authentication;

/// <summary>
/// Bearer secrets: <c>rp_&lt;participant id&gt;_&lt;secret&gt;_&lt;mac&gt;</c> for participants and
/// <c>rr_&lt;researcher id&gt;_&lt;secret&gt;_&lt;mac&gt;</c> for researchers. The secret is 256 random bits; the MAC is
/// 128 bits of HMAC-SHA256, under a key derived from <c>Rally:Credentials:Key</c>, of everything before it (prefix, id
/// and secret). A token whose MAC is wrong was never issued, so it is refused before any grain is asked. The id says
/// which grain to ask; only the SHA-256 of the whole token is stored (the secret is random, so a slow hash would add
/// nothing). Tokens issued before tokens had MACs (the same without <c>_&lt;mac&gt;</c>) are still read, and checked by
/// their grain alone.
/// </summary>
public sealed class Credentials(IOptions<CredentialOptions> options)
{
    public const string ParticipantPrefix = "rp_";
    public const string ResearcherPrefix = "rr_";

    private const int PrefixLength = 3;
    private const int UnsealedLength = PrefixLength + 32 + 1 + 43;
    private const int MacBytes = 16;
    private const int SealedLength = UnsealedLength + 1 + 22;

    private readonly byte[] _macKey = options.Value.DeriveKey("rally/credentials/hmac-sha256");
    private readonly byte[] _replacementKey = options.Value.DeriveKey("rally/credentials/replacement");

    /// <summary>A new credential: a random secret, sealed with its MAC.</summary>
    public string Issue(string prefix, Guid id) => Seal(prefix, id, RandomNumberGenerator.GetBytes(32));

    /// <summary>
    /// The participant token that replaces <paramref name="current"/> under the client's <paramref name="requestId"/>:
    /// the same pair always gives the same token, so a resent replacement can be answered again without Rally keeping
    /// the new token; nobody without both the current token (stored only as a hash) and the server secret can make it.
    /// </summary>
    public string Replacement(string current, Guid id, Guid requestId) =>
        Seal(ParticipantPrefix, id, HMACSHA256.HashData(_replacementKey, Encoding.UTF8.GetBytes($"{current}\n{requestId:N}")));

    public static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    /// <summary>
    /// The credential's kind and id when it may have been issued here: sealed with a right MAC (compared in constant
    /// time), or of the shape issued before MACs. Null for anything else, which no grain needs to be asked about.
    /// </summary>
    public (string Prefix, Guid Id)? Read(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (token.Length is not (UnsealedLength or SealedLength) || token[PrefixLength + 32] != '_'
            || !token.StartsWith(ParticipantPrefix, StringComparison.Ordinal) && !token.StartsWith(ResearcherPrefix, StringComparison.Ordinal)
            || !Guid.TryParseExact(token.AsSpan(PrefixLength, 32), "N", out var id))
        {
            return null;
        }
        if (token.Length == SealedLength)
        {
            var body = token.AsSpan(0, UnsealedLength);
            if (token[UnsealedLength] != '_'
                || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Mac(body)), Encoding.ASCII.GetBytes(token[(UnsealedLength + 1)..])))
            {
                return null;
            }
        }
        return (token[..PrefixLength], id);
    }

    private string Seal(string prefix, Guid id, byte[] secret)
    {
        var body = $"{prefix}{id:N}_{Base64Url.EncodeToString(secret)}";
        return $"{body}_{Mac(body)}";
    }

    private string Mac(ReadOnlySpan<char> body) =>
        Base64Url.EncodeToString(HMACSHA256.HashData(_macKey, Encoding.UTF8.GetBytes(body.ToString())).AsSpan(0, MacBytes));
}
