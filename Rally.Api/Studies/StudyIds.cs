using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Rally.Api.Studies;

/// <summary>
/// Study ids the server makes: <c>s-</c>, 120 random bits, <c>-</c>, and an 80-bit HMAC-SHA256 of the random part under
/// a key derived from <c>Rally:StudyIds:Key</c>, both in lower-case base32 (43 characters, within
/// <see cref="StudyRules.StudyIdPattern"/>). Nobody can make one up, so an id of this shape with a wrong MAC names no
/// study, now or ever: it is refused as a missing study before any grain is asked (<see cref="IsForged"/>). Ids of any
/// other shape were made before (e.g. <c>study-4f9c2a7e1b3d5c08</c>) and are looked up as they always were.
/// </summary>
public sealed partial class StudyIds(IOptions<StudyIdOptions> options)
{
    private const string Prefix = "s-";
    private const int RandomBytes = 15;
    private const int MacBytes = 10;
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz234567";

    private readonly byte[] _key = options.Value.DeriveKey("rally/study-ids/hmac-sha256");

    /// <summary>A new id: unguessable, and never one another partner has.</summary>
    public string New()
    {
        var random = Base32(RandomNumberGenerator.GetBytes(RandomBytes));
        return $"{Prefix}{random}-{Mac(random)}";
    }

    /// <summary>True for an id of the server's shape whose MAC is wrong (compared in constant time).</summary>
    public bool IsForged(string studyId)
    {
        ArgumentNullException.ThrowIfNull(studyId);
        var match = Shape().Match(studyId);
        if (!match.Success)
        {
            return false;
        }
        var expected = Encoding.ASCII.GetBytes(Mac(match.Groups["random"].Value));
        return !CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(match.Groups["mac"].Value));
    }

    private string Mac(string random) =>
        Base32(HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes(Prefix + random)).AsSpan(0, MacBytes));

    /// <summary>RFC 4648 base32 in lower case, for whole groups of 5 bytes (so never padded).</summary>
    private static string Base32(ReadOnlySpan<byte> bytes)
    {
        var chars = new char[bytes.Length / 5 * 8];
        for (int i = 0, c = 0; i + 5 <= bytes.Length; i += 5, c += 8)
        {
            ulong group = 0;
            for (var j = 0; j < 5; j++)
            {
                group = (group << 8) | bytes[i + j];
            }
            for (var j = 7; j >= 0; j--, group >>= 5)
            {
                chars[c + j] = Alphabet[(int)(group & 31)];
            }
        }
        return new string(chars);
    }

    [GeneratedRegex(@"^s-(?<random>[a-z2-7]{24})-(?<mac>[a-z2-7]{16})\z", RegexOptions.CultureInvariant)]
    private static partial Regex Shape();
}
