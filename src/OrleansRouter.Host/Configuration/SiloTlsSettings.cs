using System.Security.Cryptography.X509Certificates;

namespace OrleansRouter.Host.Configuration;

/// <summary>
/// <c>ORLEANS_TLS=mutual</c>: what the silo (and <c>--inspect-queue</c>) presents on the silo and gateway ports, and
/// the only authorities whose certificates it accepts from a peer. Read and checked once by the config guard.
/// </summary>
/// <param name="Certificate">This process's certificate, with its private key, signed by one of <paramref name="Authorities"/> itself.</param>
/// <param name="Authorities">The CA certificates of <c>ORLEANS_TLS_CA_FILE</c>; during a CA rotation, the old and the new.</param>
public sealed record SiloTlsSettings(X509Certificate2 Certificate, X509Certificate2Collection Authorities)
{
    /// <summary>Names the certificates by subject and fingerprint; never the key.</summary>
    public override string ToString() =>
        $"mutual TLS as {Certificate.Subject} ({Certificate.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256)}), trusting {string.Join(", ", Authorities.Select(a => a.Subject))}";
}

public enum SiloTlsMode
{
    /// <summary>Plain TCP: for loopback only, or local.</summary>
    Off,

    /// <summary>TLS on every silo and gateway connection, with a certificate from the cluster's CA on both ends.</summary>
    Mutual,
}
