using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Rally.Tests.Infrastructure;

/// <summary>
/// A throwaway certificate authority, as an operator would make one with openssl: its certificate and the ones it
/// issues are written as PEM files (certificate, key) in a folder of their own, removed on dispose.
/// </summary>
internal sealed class TestCertificateAuthority : IDisposable
{
    private static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1");
    private static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2");

    private readonly ECDsa _key;
    private readonly X509Certificate2 _certificate;
    private readonly string _directory;

    private TestCertificateAuthority(string name)
    {
        _directory = Directory.CreateTempSubdirectory("rally-tls-").FullName;
        _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", _key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        _certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-10), DateTimeOffset.UtcNow.AddDays(2));
        CaPath = Path.Combine(_directory, "ca.crt");
        File.WriteAllText(CaPath, _certificate.ExportCertificatePem());
    }

    /// <summary>The authority's certificate, in PEM: what peers are checked against.</summary>
    public string CaPath { get; }

    public static TestCertificateAuthority Create(string name) => new(name);

    /// <summary>A certificate for silos and fronts alike (server and client authentication), written as <c>name.crt</c> and <c>name.key</c>.</summary>
    public IssuedCertificate Issue(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([ServerAuthentication, ClientAuthentication], critical: false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(_certificate, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        using var issued = request.Create(_certificate, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1), RandomNumberGenerator.GetBytes(16));
        var certificatePath = Path.Combine(_directory, name + ".crt");
        var keyPath = Path.Combine(_directory, name + ".key");
        File.WriteAllText(certificatePath, issued.ExportCertificatePem());
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        return new IssuedCertificate(certificatePath, keyPath, CaPath, issued.CopyWithPrivateKey(key));
    }

    public void Dispose()
    {
        _certificate.Dispose();
        _key.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}

/// <summary>One issued certificate: its files, its authority's file, and the certificate with its key for in-process clients.</summary>
internal sealed record IssuedCertificate(string CertificatePath, string KeyPath, string CaPath, X509Certificate2 Certificate)
{
    /// <summary>The environment that turns cluster TLS on with this certificate.</summary>
    public Dictionary<string, string> Settings() => new()
    {
        ["Rally__Cluster__Tls__CertificatePath"] = CertificatePath,
        ["Rally__Cluster__Tls__KeyPath"] = KeyPath,
        ["Rally__Cluster__Tls__CaPath"] = CaPath,
    };
}
