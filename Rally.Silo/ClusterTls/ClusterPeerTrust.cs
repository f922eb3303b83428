using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Rally.Silo.ClusterTls;

/// <summary>
/// Whom a silo or front accepts at the other end of a cluster connection: a certificate that chains, valid today, to
/// one of the deployment's own authorities — never to the machine's public roots.
/// </summary>
public sealed class ClusterPeerTrust(X509Certificate2Collection authorities)
{
    /// <summary>
    /// Orleans' <c>RemoteCertificateValidation</c>. <paramref name="errors"/> is set aside on purpose: the system's
    /// chain fails for a private authority, and peers are reached at pod addresses that no certificate names; the chain
    /// built here, against the deployment's authorities alone, is the check.
    /// </summary>
    public bool Accepts(X509Certificate2 certificate, X509Chain? presented, SslPolicyErrors errors) =>
        Problems(certificate, presented) == X509ChainStatusFlags.NoError;

    /// <summary>Why <paramref name="certificate"/> is refused; <see cref="X509ChainStatusFlags.NoError"/> when it is accepted.</summary>
    public X509ChainStatusFlags Problems(X509Certificate2 certificate, X509Chain? presented = null)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        // A private authority publishes no revocation lists; a leaked certificate is answered by a new authority.
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (presented is not null)
        {
            // Intermediates the peer sent help build the chain; they are never trusted as roots.
            foreach (var element in presented.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }
        if (chain.Build(certificate))
        {
            return X509ChainStatusFlags.NoError;
        }
        var problems = chain.ChainStatus.Aggregate(X509ChainStatusFlags.NoError, (all, status) => all | status.Status);
        return problems == X509ChainStatusFlags.NoError ? X509ChainStatusFlags.UntrustedRoot : problems;
    }
}
