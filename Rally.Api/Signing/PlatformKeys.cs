using System.Buffers.Text;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Rally.Api.Signing;

/// <summary>
/// The platform's signing key (ES256: ECDSA on P-256 with SHA-256), derived from <c>Rally:Signing:Key</c>, and the public
/// keys it publishes: the current one first, then <see cref="SigningOptions.PreviousPublicKeys"/>.
/// </summary>
public sealed class PlatformKeys : IDisposable
{
    /// <summary>The order of P-256's base point.</summary>
    private static readonly BigInteger Order = BigInteger.Parse("0FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", System.Globalization.NumberStyles.HexNumber);

    private readonly ECDsa _key;

    public PlatformKeys(IOptions<SigningOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _key = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, D = PrivateScalar(options.Value.Key) });
        Current = PublishedKey.Of(_key.ExportParameters(includePrivateParameters: false).Q);
        Published = new JsonWebKeySet([Current, .. options.Value.PreviousPublicKeys
            .Select(json => PublishedKey.TryParse(json, out var key) ? key! : throw new InvalidOperationException("Rally:Signing:PreviousPublicKeys was not validated."))
            .Where(k => k.Kid != Current.Kid)
            .DistinctBy(k => k.Kid)]);
    }

    /// <summary>The key that signs, as published.</summary>
    public PublishedKey Current { get; }

    /// <summary>What <c>/.well-known/jwks.json</c> serves.</summary>
    public JsonWebKeySet Published { get; }

    /// <summary>A compact JWS (RFC 7515) of <paramref name="payload"/>, its header naming the key (<c>kid</c>) and <paramref name="type"/> (<c>typ</c>).</summary>
    public string Sign(string type, ReadOnlySpan<byte> payload)
    {
        // The header holds only base64url and a constant: no escaping is needed.
        var header = Base64Url.EncodeToString(Encoding.UTF8.GetBytes($$"""{"alg":"{{PublishedKey.Algorithm}}","kid":"{{Current.Kid}}","typ":"{{type}}"}"""));
        var input = $"{header}.{Base64Url.EncodeToString(payload)}";
        // .NET signs in the IEEE P1363 form (r ‖ s) that JWS uses.
        var signature = _key.SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256);
        return $"{input}.{Base64Url.EncodeToString(signature)}";
    }

    public void Dispose() => _key.Dispose();

    /// <summary>
    /// The private scalar of <paramref name="secret"/>: 40 bytes of HKDF-SHA256 reduced into [1, n − 1], as FIPS 186-5
    /// A.2.1 makes a key pair from extra random bits, so every secret gives a valid key and the same key on every front.
    /// </summary>
    internal static byte[] PrivateScalar(string secret)
    {
        var bits = HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret), 40, info: "rally-signing-p256"u8.ToArray());
        var d = (new BigInteger(bits, isUnsigned: true, isBigEndian: true) % (Order - 1)) + 1;
        var scalar = new byte[32];
        var bytes = d.ToByteArray(isUnsigned: true, isBigEndian: true);
        bytes.CopyTo(scalar, 32 - bytes.Length);
        return scalar;
    }
}
