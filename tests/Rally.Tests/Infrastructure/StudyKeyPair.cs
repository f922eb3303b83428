using System.Security.Cryptography;
using System.Text;
using Jose;

namespace Rally.Tests.Infrastructure;

/// <summary>
/// A study's key pair as its researchers hold it. Payloads are encrypted and decrypted by jose-jwt, an
/// independent JOSE library, exactly as a browser add-on would encrypt them (ECDH-ES, A256GCM, kid).
/// </summary>
public sealed class StudyKeyPair : IDisposable
{
    private readonly ECDiffieHellman _key = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);

    public StudyKeyPair()
    {
        var q = _key.ExportParameters(includePrivateParameters: false).Q;
        X = StudyKeyMaker.Base64Url(q.X!);
        Y = StudyKeyMaker.Base64Url(q.Y!);
        Kid = StudyKeyMaker.Base64Url(SHA256.HashData(Encoding.UTF8.GetBytes($$"""{"crv":"P-256","kty":"EC","x":"{{X}}","y":"{{Y}}"}""")));
    }

    public string X { get; }

    public string Y { get; }

    public string Kid { get; }

    public string Encrypt(string plaintext, string? kid = null) =>
        JWT.Encode(plaintext, _key, JweAlgorithm.ECDH_ES, JweEncryption.A256GCM,
            extraHeaders: new Dictionary<string, object> { ["kid"] = kid ?? Kid });

    public string Decrypt(string jwe) => JWT.Decode(jwe, _key);

    public void Dispose() => _key.Dispose();
}
