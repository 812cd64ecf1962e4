using System.Security.Cryptography.X509Certificates;

namespace OrleansRouter.Host.Configuration;

/// <summary>The PEM certificate (chain) and private key the dashboard's port serves HTTPS with.</summary>
public sealed record DashboardTls(string CertificateFile, string KeyFile)
{
    public X509Certificate2 Load() => X509Certificate2.CreateFromPemFile(CertificateFile, KeyFile);
}
