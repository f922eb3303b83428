using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Rally.Api.Signing;

/// <summary>
/// One public signing key as <c>/.well-known/jwks.json</c> lists it: EC P-256, <c>kid</c> its RFC 7638 thumbprint,
/// <c>use</c> <c>sig</c>, <c>alg</c> <c>ES256</c>, and no other member (no nulls: some JOSE libraries read any <c>d</c>
/// member as a private key).
/// </summary>
public sealed record PublishedKey(string Kty, string Crv, string X, string Y, string Kid, string Use, string Alg)
{
    public const string Algorithm = "ES256";

    /// <summary>The public key of <paramref name="point"/>, a P-256 point.</summary>
    public static PublishedKey Of(ECPoint point)
    {
        var x = Base64Url.EncodeToString(point.X ?? throw new ArgumentException("The point has no x.", nameof(point)));
        var y = Base64Url.EncodeToString(point.Y ?? throw new ArgumentException("The point has no y.", nameof(point)));
        return new("EC", "P-256", x, y, Thumbprint(x, y), "sig", Algorithm);
    }

    /// <summary>
    /// Reads a public JWK written as JSON (an earlier key, from configuration): EC P-256 with a point on the curve, its
    /// <c>kid</c> (if any) its thumbprint, and no private part. False for anything else.
    /// </summary>
    public static bool TryParse(string? json, out PublishedKey? key)
    {
        key = null;
        try
        {
            using var document = JsonDocument.Parse(json ?? "");
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || root.TryGetProperty("d", out _)
                || Text(root, "kty") != "EC" || Text(root, "crv") != "P-256"
                || Text(root, "x") is not { } x || Text(root, "y") is not { } y)
            {
                return false;
            }
            var point = new ECPoint { X = Base64Url.DecodeFromChars(x), Y = Base64Url.DecodeFromChars(y) };
            if (point.X.Length != 32 || point.Y.Length != 32)
            {
                return false;
            }
            using var ecdsa = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = point });
            var parsed = Of(point);
            if (Text(root, "kid") is { } kid && kid != parsed.Kid)
            {
                return false;
            }
            key = parsed;
            return true;
        }
        catch (Exception e) when (e is JsonException or FormatException or CryptographicException)
        {
            return false;
        }
    }

    /// <summary>RFC 7638: SHA-256 over the required members in lexicographic order, no whitespace.</summary>
    private static string Thumbprint(string x, string y) =>
        Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes($$"""{"crv":"P-256","kty":"EC","x":"{{x}}","y":"{{y}}"}""")));

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}

/// <summary>The platform's public signing keys, the current one first (RFC 7517 JWK set).</summary>
public sealed record JsonWebKeySet(PublishedKey[] Keys);
