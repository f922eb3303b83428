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
        return P256Curve.Contains(x, y) ? null : "payload's ephemeral key (epk) is not a point on curve P-256.";
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
}
