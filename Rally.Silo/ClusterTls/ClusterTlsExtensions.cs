using Orleans.Connections.Security;
using Rally.Silo.Configuration;

namespace Rally.Silo.ClusterTls;

public static class ClusterTlsExtensions
{
    /// <summary>
    /// Mutual TLS on this silo's silo and gateway ports and on the connections it opens to other silos, when
    /// <c>Rally:Cluster:Tls:CertificatePath</c> is set: a client or silo without a certificate from the cluster's
    /// authority cannot connect. Nothing otherwise.
    /// </summary>
    public static ISiloBuilder UseRallyTls(this ISiloBuilder silo, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(silo);
        var tls = ClusterCertificates.Load(configuration.GetRallyOptions<ClusterTlsOptions>(ClusterTlsOptions.Section), ClusterRole.Silo);
        return tls is null ? silo : silo.UseTls(tls.Certificate, o => Mutual(o, tls.Trust));
    }

    /// <summary>TLS to the gateways, presenting this front's certificate, when <c>Rally:Cluster:Tls:CertificatePath</c> is set.</summary>
    public static IClientBuilder UseRallyTls(this IClientBuilder client, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(client);
        var tls = ClusterCertificates.Load(configuration.GetRallyOptions<ClusterTlsOptions>(ClusterTlsOptions.Section), ClusterRole.Front);
        return tls is null ? client : client.UseTls(tls.Certificate, o => Mutual(o, tls.Trust));
    }

    private static void Mutual(TlsOptions options, ClusterPeerTrust trust)
    {
        // Both ends present a certificate and check the other's: stated here rather than left to Orleans' defaults, which differ per end.
        options.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.RemoteCertificateValidation = trust.Accepts;
    }
}
