using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;
using Rally.Grains.Ingestion;

namespace Rally.Api.Ingestion;

/// <summary>
/// Checks that a payload is what Rally's add-ons send, and carries nothing readable beside its ciphertext: a compact JWE
/// encrypted to the study's key with ECDH-ES (direct key agreement, so no encrypted key) and A256GCM, whose protected
/// header, which is not encrypted, holds exactly <c>alg</c>, <c>enc</c>, <c>kid</c>, <c>epk</c> (an EC P-256 point, nothing
/// else) and optionally <c>typ</c> <c>JWE</c>, in compact JSON, every part in canonical base64url. The backend never holds
/// a private key and never sees the plaintext.
/// </summary>
public static class CompactJwe
{
    /// <summary>The most a protected header may hold, decoded: what the allowed members need, with room to spare.</summary>
    public const int MaxHeaderBytes = 1024;

    private const string FiveParts = "payload must be a JWE in compact form (five base64url parts separated by '.').";

    private static readonly SearchValues<byte> Whitespace = SearchValues.Create(" \t\r\n"u8);

    /// <summary>Null when acceptable; otherwise what is wrong, without echoing the payload.</summary>
    public static string? Check(string payload, string keyId, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(payload);
        if (payload.Length > maxLength)
        {
            return $"payload is {payload.Length} characters; the limit is {maxLength}.";
        }
        // Vectorised splitting and alphabet checks, no allocation: this runs for every event of every upload.
        var text = payload.AsSpan();
        Span<Range> parts = stackalloc Range[6];
        if (text.Split(parts, '.') != 5)
        {
            return FiveParts;
        }
        foreach (var part in parts[..5])
        {
            if (!JweBytes.IsCanonicalBase64Url(text[part]))
            {
                return "payload parts must be canonical base64url: no padding, and no bits set past the last byte.";
            }
        }
        if (text[parts[1]].Length != 0)
        {
            return "payload must use ECDH-ES direct key agreement: its encrypted key part must be empty.";
        }
        if (text[parts[2]].Length != 16 || text[parts[4]].Length != 22)
        {
            return "payload must be A256GCM: a 96-bit IV and a 128-bit authentication tag.";
        }
        if (text[parts[3]].Length == 0)
        {
            return "payload has no ciphertext.";
        }
        return CheckHeader(text[parts[0]], keyId);
    }

    private static string? CheckHeader(ReadOnlySpan<char> encoded, string keyId)
    {
        if (encoded.Length > Base64Url.GetEncodedLength(MaxHeaderBytes))
        {
            return $"payload's protected header is over {MaxHeaderBytes} bytes.";
        }
        Span<byte> json = stackalloc byte[Base64Url.GetMaxDecodedLength(encoded.Length)];
        json = json[..Base64Url.DecodeFromChars(encoded, json)];
        // Nothing a legitimate header holds needs whitespace or an escape; either could hide or disguise a member.
        if (json.ContainsAny(Whitespace) || json.Contains((byte)'\\'))
        {
            return "payload's protected header must be compact JSON, without whitespace or escapes.";
        }
        try
        {
            return ProtectedHeader.Check(json, keyId);
        }
        catch (JsonException)
        {
            return "payload's protected header is not a JSON object.";
        }
    }
}
