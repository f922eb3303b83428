using System.Security.Cryptography;
using System.Text;
using Jose;

namespace Rally.Tests.Infrastructure;

/// <summary>
/// A study's key pair as its researchers hold it: a real EC P-256 key, published as a JWK (<see cref="X"/>,
/// <see cref="Y"/>, <see cref="Kid"/> its RFC 7638 thumbprint). Payloads are encrypted and decrypted by jose-jwt, an
/// independent JOSE library, exactly as a browser add-on would encrypt them (ECDH-ES, A256GCM, kid).
/// </summary>
public sealed class StudyKeyPair : IDisposable
{
    private readonly ECDiffieHellman _key = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);

    public StudyKeyPair()
    {
        var q = _key.ExportParameters(includePrivateParameters: false).Q;
        X = System.Buffers.Text.Base64Url.EncodeToString(q.X);
        Y = System.Buffers.Text.Base64Url.EncodeToString(q.Y);
        Kid = Thumbprint(X, Y);
    }

    public string X { get; }

    public string Y { get; }

    public string Kid { get; }

    /// <summary>The public half of a fresh key, for a study card whose payloads the test never reads.</summary>
    public static (string X, string Y, string Kid) NewPublicKey()
    {
        using var key = new StudyKeyPair();
        return (key.X, key.Y, key.Kid);
    }

    /// <summary>RFC 7638: the SHA-256 of the key's required members, in order, without whitespace (computed here, not by Rally).</summary>
    public static string Thumbprint(string x, string y) =>
        System.Buffers.Text.Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes($$"""{"crv":"P-256","kty":"EC","x":"{{x}}","y":"{{y}}"}""")));

    public string Encrypt(string plaintext, string? kid = null) =>
        JWT.Encode(plaintext, _key, JweAlgorithm.ECDH_ES, JweEncryption.A256GCM,
            extraHeaders: new Dictionary<string, object> { ["kid"] = kid ?? Kid });

    public string Decrypt(string jwe) => JWT.Decode(jwe, _key);

    public void Dispose() => _key.Dispose();
}
