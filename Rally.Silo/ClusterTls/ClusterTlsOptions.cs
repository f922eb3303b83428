namespace Rally.Silo.ClusterTls;

/// <summary>
/// TLS on the silo and gateway ports, bound from <c>Rally:Cluster:Tls</c>. Off by default; on when
/// <see cref="CertificatePath"/> is set. Then every connection between silos and from fronts to gateways is TLS, both
/// ends present a certificate, and each accepts only a peer whose certificate chains to the authority in <see cref="CaPath"/>.
/// </summary>
public sealed class ClusterTlsOptions
{
    public const string Section = "Rally:Cluster:Tls";

    /// <summary>
    /// This process's certificate: a PEM file (its key in the same file or in <see cref="KeyPath"/>) or a PKCS#12 (PFX)
    /// file. A silo's must allow server and client authentication, a front's client authentication. Default none: TLS off.
    /// </summary>
    public string? CertificatePath { get; set; }

    /// <summary>The PEM private key of <see cref="CertificatePath"/>, when that file holds the certificate alone. Default none.</summary>
    public string? KeyPath { get; set; }

    /// <summary>The password of a PFX file or of an encrypted PEM key. Default none (not encrypted).</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>
    /// A PEM file of the certificate authority (one or more root certificates) that issues the cluster's certificates.
    /// Required with <see cref="CertificatePath"/>: a peer whose certificate does not chain to it is refused. Default none.
    /// </summary>
    public string? CaPath { get; set; }

    public bool IsEnabled => !string.IsNullOrWhiteSpace(CertificatePath);

    public const string CertificatePathKey = Section + ":" + nameof(CertificatePath);
    public const string KeyPathKey = Section + ":" + nameof(KeyPath);
    public const string CertificatePasswordKey = Section + ":" + nameof(CertificatePassword);
    public const string CaPathKey = Section + ":" + nameof(CaPath);
}
