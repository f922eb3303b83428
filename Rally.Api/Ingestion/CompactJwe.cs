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
        if (payload.Length > maxLength)
        {
            return $"payload is {payload.Length} characters; the limit is {maxLength}.";
        }
        var parts = payload.Split('.');
        if (parts.Length != 5)
        {
            return "payload must be a JWE in compact form (five base64url parts separated by '.').";
        }
        if (parts.Any(p => !IsBase64Url(p)))
        {
            return "payload parts must be base64url without padding.";
        }
        if (parts[1].Length != 0)
        {
            return "payload must use ECDH-ES direct key agreement: its encrypted key part must be empty.";
        }
        if (Base64UrlLength(parts[2]) != 12 || Base64UrlLength(parts[4]) != 16)
        {
            return "payload must be A256GCM: a 96-bit IV and a 128-bit authentication tag.";
        }
        if (parts[3].Length == 0)
        {
            return "payload has no ciphertext.";
        }
        return CheckHeader(parts[0], keyId);
    }

    private static string? CheckHeader(string encoded, string keyId)
    {
        try
        {
            using var header = JsonDocument.Parse(Convert.FromBase64String(ToBase64(encoded)));
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

    private static bool IsBase64Url(string part) =>
        part.All(c => c is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_') && part.Length % 4 != 1;

    private static int Base64UrlLength(string part) => part.Length * 3 / 4;

    private static string ToBase64(string part)
    {
        var base64 = part.Replace('-', '+').Replace('_', '/');
        return base64.PadRight(base64.Length + (4 - base64.Length % 4) % 4, '=');
    }
}
