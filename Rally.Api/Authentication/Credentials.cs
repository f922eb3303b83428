using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

namespace Rally.Api.Authentication;

/// <summary>
/// Bearer secrets: <c>rp_&lt;participant id&gt;_&lt;secret&gt;</c> for participants and <c>rr_&lt;researcher id&gt;_&lt;secret&gt;</c>
/// for researchers, 256 random bits each. The id says which grain to ask; only the SHA-256 of the whole
/// token is stored (the secret is random, so a slow hash would add nothing).
/// </summary>
public static class Credentials
{
    public const string ParticipantPrefix = "rp_";
    public const string ResearcherPrefix = "rr_";

    public static string Issue(string prefix, Guid id) =>
        $"{prefix}{id:N}_{Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32))}";

    public static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    /// <summary>Reads the id out of a token with the given prefix; false for anything malformed.</summary>
    public static bool TryReadId(string token, string prefix, [NotNullWhen(true)] out Guid? id)
    {
        id = null;
        if (!token.StartsWith(prefix, StringComparison.Ordinal) || token.Length != prefix.Length + 32 + 1 + 43 || token[prefix.Length + 32] != '_')
        {
            return false;
        }
        if (!Guid.TryParseExact(token.AsSpan(prefix.Length, 32), "N", out var parsed))
        {
            return false;
        }
        id = parsed;
        return true;
    }
}
