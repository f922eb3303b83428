using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Rally.Api.Studies;

/// <summary>Checks a study's public key (EC P-256 JWK) and computes its RFC 7638 thumbprint.</summary>
public static class StudyKeys
{
    /// <summary>What a study key is for (JWK <c>use</c>): encryption.</summary>
    public const string Use = "enc";

    /// <summary>The one algorithm a study key serves (JWK <c>alg</c>): ECDH-ES key agreement.</summary>
    public const string Algorithm = "ECDH-ES";

    /// <summary>Null when the key is a valid P-256 public point; otherwise what is wrong with it.</summary>
    public static string? Validate(JwkBody key)
    {
        if (key.D is not null)
        {
            return "encryptionKey must be the study's public key only: never send its private part ('d').";
        }
        if (key.Kty != "EC" || key.Crv != "P-256")
        {
            return "encryptionKey must be an EC key on curve P-256 (kty 'EC', crv 'P-256').";
        }
        if (key.Use is not null && key.Use != Use)
        {
            return $"encryptionKey use, when given, must be '{Use}': the key encrypts, it does not sign.";
        }
        if (key.Alg is not null && key.Alg != Algorithm)
        {
            return $"encryptionKey alg, when given, must be '{Algorithm}'.";
        }
        if (key.KeyOps is { Length: > 0 } operations && !operations.Any(o => o is "deriveKey" or "deriveBits"))
        {
            return "encryptionKey key_ops, when not empty, must allow deriveKey or deriveBits (what ECDH-ES does with it).";
        }
        if (Decode(key.X) is not { Length: 32 } x || Decode(key.Y) is not { Length: 32 } y)
        {
            return "encryptionKey x and y must each be 32 bytes, base64url-encoded without padding.";
        }
        try
        {
            using var ecdh = ECDiffieHellman.Create();
            ecdh.ImportParameters(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = new ECPoint { X = x, Y = y } });
        }
        catch (CryptographicException)
        {
            return "encryptionKey is not a point on curve P-256.";
        }
        if (key.Kid is not null && key.Kid != Thumbprint(key))
        {
            return "encryptionKey kid must be the key's RFC 7638 SHA-256 thumbprint (base64url).";
        }
        return null;
    }

    /// <summary>RFC 7638: SHA-256 over the required members in lexicographic order, no whitespace.</summary>
    public static string Thumbprint(JwkBody key) =>
        Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes($$"""{"crv":"{{key.Crv}}","kty":"{{key.Kty}}","x":"{{key.X}}","y":"{{key.Y}}"}""")));

    private static readonly SearchValues<char> Alphabet =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

    /// <summary>The bytes of a base64url value without padding or whitespace (which the BCL decoder would let pass); null for anything else.</summary>
    private static byte[]? Decode(string value)
    {
        if (value.AsSpan().ContainsAnyExcept(Alphabet))
        {
            return null;
        }
        try
        {
            return Base64Url.DecodeFromChars(value);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
