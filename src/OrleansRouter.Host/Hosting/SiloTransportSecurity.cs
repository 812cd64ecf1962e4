using Orleans.Connections.Security;
using Orleans.Hosting;
using OrleansRouter.Host.Configuration;

namespace OrleansRouter.Host.Hosting;

/// <summary>
/// Mutual TLS on the silo and gateway ports (<c>ORLEANS_TLS=mutual</c>): every connection, silo to silo and client to
/// gateway, presents a certificate and accepts the other end's only if it chains to the cluster's CA
/// (<see cref="PeerCertificates"/>). The silo and <c>--inspect-queue</c> configure it here, from the same settings.
/// </summary>
public static class SiloTransportSecurity
{
    /// <summary>A stalled handshake is cut after this, so a client that never speaks TLS holds no connection for long.</summary>
    public static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(10);

    public static ISiloBuilder UseRouterTls(this ISiloBuilder silo, ClusterSettings cluster) =>
        cluster.Tls is { } tls ? silo.UseTls(tls.Certificate, options => Configure(options, tls)) : silo;

    public static IClientBuilder UseRouterTls(this IClientBuilder client, ClusterSettings cluster) =>
        cluster.Tls is { } tls ? client.UseTls(tls.Certificate, options => Configure(options, tls)) : client;

    private static void Configure(TlsOptions options, SiloTlsSettings tls)
    {
        // Both ways: a server asks for the client's certificate, a client must have one to give.
        options.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.RemoteCertificateValidation = (certificate, chain, errors) => PeerCertificates.Accept(certificate, chain, errors, tls.Authorities);
        options.CheckCertificateRevocation = false;
        options.HandshakeTimeout = HandshakeTimeout;
    }
}
