using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Rally.Silo.Configuration;

namespace Rally.Silo.ClusterTls;

/// <summary>Which ends of cluster connections a process is: a silo accepts and opens them, a front only opens them.</summary>
public enum ClusterRole
{
    Silo,
    Front,
}

/// <summary>
/// This process's certificate and whom it trusts, loaded once at start from <see cref="ClusterTlsOptions"/>. Anything
/// wrong — a path with no file, a file that does not load, no private key, a purpose missing, a certificate the
/// configured authority did not issue or that has expired — stops the process with one line naming the setting.
/// </summary>
public sealed class ClusterCertificates
{
    private const string ServerAuthentication = "1.3.6.1.5.5.7.3.1";
    private const string ClientAuthentication = "1.3.6.1.5.5.7.3.2";

    private ClusterCertificates(X509Certificate2 certificate, ClusterPeerTrust trust)
    {
        Certificate = certificate;
        Trust = trust;
    }

    /// <summary>What this process presents to its peers (with its private key).</summary>
    public X509Certificate2 Certificate { get; }

    public ClusterPeerTrust Trust { get; }

    /// <summary>The certificates <paramref name="options"/> names; null when TLS is off (no certificate path).</summary>
    public static ClusterCertificates? Load(ClusterTlsOptions options, ClusterRole role)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.IsEnabled)
        {
            // A CA or key without a certificate is a half-made setup that would leave the ports open: say so.
            return string.IsNullOrWhiteSpace(options.CaPath) && string.IsNullOrWhiteSpace(options.KeyPath)
                ? null
                : throw Refused(ClusterTlsOptions.CertificatePathKey, missing: true,
                    $"expected this process's certificate file, since {ClusterTlsOptions.CaPathKey} or {ClusterTlsOptions.KeyPathKey} is set");
        }
        if (string.IsNullOrWhiteSpace(options.CaPath))
        {
            throw Refused(ClusterTlsOptions.CaPathKey, missing: true,
                $"expected the PEM file of the certificate authority that issues the cluster's certificates (TLS is on: {ClusterTlsOptions.CertificatePathKey} is set)");
        }

        var certificate = LoadCertificate(options);
        var trust = new ClusterPeerTrust(LoadAuthorities(options.CaPath));
        if (!certificate.HasPrivateKey)
        {
            throw Refused(ClusterTlsOptions.CertificatePathKey, missing: false,
                $"expected a certificate with its private key (in the same file, or in {ClusterTlsOptions.KeyPathKey})");
        }
        if (!Allows(certificate, ClientAuthentication) || (role == ClusterRole.Silo && !Allows(certificate, ServerAuthentication)))
        {
            throw Refused(ClusterTlsOptions.CertificatePathKey, missing: false, role == ClusterRole.Silo
                ? "expected a certificate for both server and client authentication (extendedKeyUsage = serverAuth, clientAuth): a silo accepts and opens connections"
                : "expected a certificate for client authentication (extendedKeyUsage = clientAuth)");
        }
        // Checked here as peers will check it, so that a mismatched or expired certificate stops this process, not its connections.
        var problems = trust.Problems(certificate);
        if (problems != X509ChainStatusFlags.NoError)
        {
            throw Refused(ClusterTlsOptions.CertificatePathKey, missing: false,
                $"expected a certificate issued by the authority in {ClusterTlsOptions.CaPathKey} and valid now (its chain: {problems})");
        }
        return new ClusterCertificates(certificate, trust);
    }

    private static X509Certificate2 LoadCertificate(ClusterTlsOptions options)
    {
        var path = options.CertificatePath!;
        RequireFile(ClusterTlsOptions.CertificatePathKey, path, "this process's certificate (PEM or PFX)");
        var keyPath = string.IsNullOrWhiteSpace(options.KeyPath) ? null : options.KeyPath;
        if (keyPath is not null)
        {
            RequireFile(ClusterTlsOptions.KeyPathKey, keyPath, "the PEM private key of the certificate");
        }
        var password = string.IsNullOrEmpty(options.CertificatePassword) ? null : options.CertificatePassword;
        try
        {
            if (!IsPem(path))
            {
                return X509CertificateLoader.LoadPkcs12FromFile(path, password);
            }
            return password is null
                ? X509Certificate2.CreateFromPemFile(path, keyPath)
                : X509Certificate2.CreateFromEncryptedPemFile(path, password, keyPath);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException or IOException or UnauthorizedAccessException)
        {
            // The loader's message is not passed on: it may quote what it read.
            throw new RallyConfigurationException(ConfigurationErrors.Line(ClusterTlsOptions.CertificatePathKey, missing: false,
                $"expected a PEM certificate with its private key (in the same file or in {ClusterTlsOptions.KeyPathKey}), or a PFX file " +
                $"and its {ClusterTlsOptions.CertificatePasswordKey}; the file did not load"), e);
        }
    }

    private static X509Certificate2Collection LoadAuthorities(string path)
    {
        RequireFile(ClusterTlsOptions.CaPathKey, path, "the PEM file of the cluster's certificate authority");
        var authorities = new X509Certificate2Collection();
        try
        {
            authorities.ImportFromPemFile(path);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new RallyConfigurationException(ConfigurationErrors.Line(ClusterTlsOptions.CaPathKey, missing: false,
                "expected a PEM file of the cluster's certificate authority; the file did not load"), e);
        }
        return authorities.Count > 0 ? authorities : throw Refused(ClusterTlsOptions.CaPathKey, missing: false,
            "expected a PEM file of the cluster's certificate authority; it holds no certificate");
    }

    private static void RequireFile(string key, string path, string what)
    {
        if (!File.Exists(path))
        {
            throw Refused(key, missing: false, $"expected {what}; no file is at that path");
        }
    }

    private static bool IsPem(string path) => File.ReadAllBytes(path).AsSpan().IndexOf("-----BEGIN "u8) >= 0;

    /// <summary>No extended key usage means any usage, as TLS libraries read it.</summary>
    private static bool Allows(X509Certificate2 certificate, string purpose)
    {
        var usages = certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().ToArray();
        return usages.Length == 0 || usages.Any(u => u.EnhancedKeyUsages.Cast<Oid>().Any(o => o.Value == purpose));
    }

    private static RallyConfigurationException Refused(string key, bool missing, string expectation) =>
        new(ConfigurationErrors.Line(key, missing, expectation));
}
