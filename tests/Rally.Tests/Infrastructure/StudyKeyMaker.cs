using System.Security.Cryptography;
using System.Text;

namespace Rally.Tests.Infrastructure;

/// <summary>Makes real EC P-256 public keys as JWKs, the way a study's researchers would.</summary>
public static class StudyKeyMaker
{
    public static (string X, string Y, string Kid) NewPublicKey()
    {
        using var ecdh = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        var q = ecdh.ExportParameters(includePrivateParameters: false).Q;
        var x = Base64Url(q.X!);
        var y = Base64Url(q.Y!);
        var kid = Base64Url(SHA256.HashData(Encoding.UTF8.GetBytes($$"""{"crv":"P-256","kty":"EC","x":"{{x}}","y":"{{y}}"}""")));
        return (x, y, kid);
    }

    public static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
