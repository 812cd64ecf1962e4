using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace OrleansRouter.Host.Hosting;

/// <summary>
/// Who may talk on the silo and gateway ports: a peer whose certificate chains to one of the cluster's own CAs
/// (<c>ORLEANS_TLS_CA_FILE</c>), and no one else. The system's trust store plays no part, so a certificate from a
/// public CA is refused like a self-signed one. Host names are not checked: silos are reached at pod and VM addresses,
/// and being signed by the cluster's CA is what makes a peer one of the cluster.
/// </summary>
public static class PeerCertificates
{
    /// <summary>The check TLS runs on every handshake, both ways: as the silo's server and as its client.</summary>
    public static bool Accept(X509Certificate2 certificate, X509Chain? presented, SslPolicyErrors errors, X509Certificate2Collection authorities)
    {
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            return false;
        }

        var intermediates = new X509Certificate2Collection();
        if (presented is not null)
        {
            intermediates.AddRange(presented.ChainPolicy.ExtraStore);
            intermediates.AddRange(presented.ChainElements.Select(e => e.Certificate).Where(c => !c.Equals(certificate)).ToArray());
        }

        return ChainsTo(certificate, intermediates, authorities, DateTime.UtcNow);
    }

    /// <summary>Whether <paramref name="certificate"/> is valid at <paramref name="at"/> and chains to one of <paramref name="authorities"/>.</summary>
    public static bool ChainsTo(X509Certificate2 certificate, X509Certificate2Collection intermediates, X509Certificate2Collection authorities, DateTime at)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        chain.ChainPolicy.ExtraStore.AddRange(intermediates);
        // No CRL or OCSP: the cluster's CA is private; a compromised certificate is dealt with by a new CA (docs/runbook.md).
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationFlags = X509VerificationFlags.NoFlag;
        chain.ChainPolicy.VerificationTime = at;
        chain.ChainPolicy.VerificationTimeIgnored = false;
        return chain.Build(certificate);
    }
}
