using System.Numerics;
using System.Text.Json;
using Rally.Grains.Ingestion;

namespace Rally.Api.Ingestion;

/// <summary>
/// The allow-list of a payload's protected header (see <see cref="CompactJwe"/>): each member once, with the one value
/// Rally accepts, and the ephemeral key a point on P-256. The header is read token by token, so a duplicated member,
/// which a JSON parser would silently resolve one way or the other, is seen and refused.
/// </summary>
internal static class ProtectedHeader
{
    private const string Members = "payload's protected header may hold only alg, enc, kid, epk and typ, each once.";
    private const string EpkMembers = "payload's ephemeral key (epk) must be an EC P-256 public key: kty, crv, x and y, each once, and nothing else.";

    /// <summary>Null when the header is acceptable; throws <see cref="JsonException"/> when it is not JSON.</summary>
    public static string? Check(ReadOnlySpan<byte> json, string keyId)
    {
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return "payload's protected header is not a JSON object.";
        }
        var seen = 0;
        string? error = null;
        while (error is null && reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var member = Member(ref reader, "alg", "enc", "kid", "epk", "typ");
            if (member < 0 || (seen & (1 << member)) != 0)
            {
                return Members;
            }
            seen |= 1 << member;
            reader.Read();
            error = member switch
            {
                0 => Is(ref reader, "ECDH-ES"u8) ? null : Algorithms,
                1 => Is(ref reader, "A256GCM"u8) ? null : Algorithms,
                2 => reader.TokenType == JsonTokenType.String && reader.ValueTextEquals(keyId) ? null
                    : "payload was not encrypted to this study's current key (its kid differs).",
                3 => CheckEpk(ref reader),
                _ => Is(ref reader, "JWE"u8) ? null : "payload's typ, when given, must be 'JWE'.",
            };
        }
        if (error is not null)
        {
            return error;
        }
        if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
        {
            return "payload's protected header is not a JSON object.";
        }
        return (seen & 0b1111) == 0b1111 ? null : "payload's protected header must give alg, enc, kid and the ephemeral key (epk).";
    }

    private const string Algorithms = "payload must be encrypted with alg 'ECDH-ES' and enc 'A256GCM'.";

    private static string? CheckEpk(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return EpkMembers;
        }
        var seen = 0;
        Span<byte> x = stackalloc byte[32];
        Span<byte> y = stackalloc byte[32];
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var member = Member(ref reader, "kty", "crv", "x", "y");
            if (member < 0 || (seen & (1 << member)) != 0 || !reader.Read() || reader.TokenType != JsonTokenType.String)
            {
                return EpkMembers;
            }
            seen |= 1 << member;
            var valid = member switch
            {
                0 => Is(ref reader, "EC"u8),
                1 => Is(ref reader, "P-256"u8),
                2 => Coordinate(ref reader, x),
                _ => Coordinate(ref reader, y),
            };
            if (!valid)
            {
                return EpkMembers;
            }
        }
        if (seen != 0b1111)
        {
            return EpkMembers;
        }
        return P256.Contains(x, y) ? null : "payload's ephemeral key (epk) is not a point on curve P-256.";
    }

    /// <summary>A coordinate: 32 bytes, in canonical base64url (43 characters).</summary>
    private static bool Coordinate(ref Utf8JsonReader reader, scoped Span<byte> into)
    {
        Span<char> text = stackalloc char[44];
        if (reader.ValueSpan.Length != 43 || reader.CopyString(text) != 43 || !JweBytes.IsCanonicalBase64Url(text[..43]))
        {
            return false;
        }
        return System.Buffers.Text.Base64Url.TryDecodeFromChars(text[..43], into, out var written) && written == 32;
    }

    /// <summary>The current token is the string <paramref name="value"/> (any other token, of any type, is not).</summary>
    private static bool Is(ref Utf8JsonReader reader, ReadOnlySpan<byte> value) =>
        reader.TokenType == JsonTokenType.String && reader.ValueTextEquals(value);

    /// <summary>The index of the property name among <paramref name="names"/>, or -1.</summary>
    private static int Member(ref Utf8JsonReader reader, params ReadOnlySpan<string> names)
    {
        for (var i = 0; i < names.Length; i++)
        {
            if (reader.ValueTextEquals(names[i]))
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>The curve's equation, y² = x³ − 3x + b (mod p), for a public point; nothing secret is computed.</summary>
    private static class P256
    {
        private static readonly BigInteger Prime = Parse("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff");
        private static readonly BigInteger B = Parse("5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b");

        public static bool Contains(ReadOnlySpan<byte> xBytes, ReadOnlySpan<byte> yBytes)
        {
            var x = new BigInteger(xBytes, isUnsigned: true, isBigEndian: true);
            var y = new BigInteger(yBytes, isUnsigned: true, isBigEndian: true);
            if (x >= Prime || y >= Prime)
            {
                return false;
            }
            var right = ((x * x % Prime * x) - (3 * x) + B) % Prime;
            if (right.Sign < 0)
            {
                right += Prime;
            }
            return y * y % Prime == right;
        }

        private static BigInteger Parse(string hex) => new(Convert.FromHexString(hex), isUnsigned: true, isBigEndian: true);
    }
}
