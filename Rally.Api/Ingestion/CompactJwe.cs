using System.Buffers.Text;
using System.Text.Json;

namespace Rally.Api.Ingestion;

/// <summary>
/// Checks that a payload is what Rally's add-ons send: a compact JWE encrypted to the study's key with
/// ECDH-ES (direct key agreement, so no encrypted key) and A256GCM. Only form and header are checked:
/// the backend never holds a private key and never sees the plaintext.
/// </summary>
public static class CompactJwe
{
    /// <summary>Null when acceptable; otherwise what is wrong, without echoing the payload.</summary>
    public static string? Check(string payload, string keyId, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(payload);
        if (payload.Length > maxLength)
        {
            return $"payload is {payload.Length} characters; the limit is {maxLength}.";
        }
        // One pass over the characters, no allocation: this runs for every event of every upload.
        Span<Range> parts = stackalloc Range[5];
        var count = 0;
        var start = 0;
        var base64Url = true;
        for (var i = 0; i <= payload.Length; i++)
        {
            if (i == payload.Length || payload[i] == '.')
            {
                if (count == parts.Length)
                {
                    return FiveParts;
                }
                parts[count++] = start..i;
                start = i + 1;
            }
            else if (!IsBase64UrlChar(payload[i]))
            {
                base64Url = false;
            }
        }
        if (count != parts.Length)
        {
            return FiveParts;
        }
        var text = payload.AsSpan();
        foreach (var part in parts)
        {
            base64Url &= text[part].Length % 4 != 1;
        }
        if (!base64Url)
        {
            return "payload parts must be base64url without padding.";
        }
        if (text[parts[1]].Length != 0)
        {
            return "payload must use ECDH-ES direct key agreement: its encrypted key part must be empty.";
        }
        if (Base64UrlLength(text[parts[2]]) != 12 || Base64UrlLength(text[parts[4]]) != 16)
        {
            return "payload must be A256GCM: a 96-bit IV and a 128-bit authentication tag.";
        }
        if (text[parts[3]].Length == 0)
        {
            return "payload has no ciphertext.";
        }
        return CheckHeader(text[parts[0]], keyId);
    }

    private const string FiveParts = "payload must be a JWE in compact form (five base64url parts separated by '.').";

    private static string? CheckHeader(ReadOnlySpan<char> encoded, string keyId)
    {
        try
        {
            using var header = JsonDocument.Parse(Base64Url.DecodeFromChars(encoded));
            var root = header.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return "payload's protected header must be a JSON object.";
            }
            if (Text(root, "alg") != "ECDH-ES" || Text(root, "enc") != "A256GCM")
            {
                return "payload must be encrypted with alg 'ECDH-ES' and enc 'A256GCM'.";
            }
            if (Text(root, "kid") != keyId)
            {
                return "payload was not encrypted to this study's current key (its kid differs).";
            }
            if (!root.TryGetProperty("epk", out var epk) || epk.ValueKind != JsonValueKind.Object
                || Text(epk, "kty") != "EC" || Text(epk, "crv") != "P-256" || Text(epk, "x") is null || Text(epk, "y") is null)
            {
                return "payload's header must carry the ephemeral EC P-256 public key (epk).";
            }
            return root.TryGetProperty("zip", out _) ? "compressed payloads (zip) are not accepted." : null;
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
            return "payload's protected header is not base64url-encoded JSON.";
        }
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static bool IsBase64UrlChar(char c) =>
        c is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_';

    private static int Base64UrlLength(ReadOnlySpan<char> part) => part.Length * 3 / 4;
}
