using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace OrleansRouter.Testing;

/// <summary>
/// A throwaway certificate authority for the mutual TLS of the silo and gateway ports, made in the test with
/// <see cref="CertificateRequest"/> (ECDSA P-256: fast), as the runbook's openssl commands make a real one.
/// </summary>
public sealed class TestCertificateAuthority : IDisposable
{
    private readonly ECDsa _key;

    private TestCertificateAuthority(string name, ECDsa key, X509Certificate2 certificate, TestCertificateAuthority? parent = null)
    {
        Name = name;
        _key = key;
        Certificate = certificate;
        Parent = parent;
    }

    /// <summary>The CA that signed this one, for an intermediate; null for a root.</summary>
    public TestCertificateAuthority? Parent { get; }

    private TestCertificateAuthority Root => Parent?.Root ?? this;

    public string Name { get; }

    /// <summary>The CA's certificate, with its key.</summary>
    public X509Certificate2 Certificate { get; }

    public static TestCertificateAuthority Create(string name, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        // One level of intermediates below the root, as CreateIntermediate makes.
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 1, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        var from = notBefore ?? DateTimeOffset.UtcNow.AddDays(-1);
        return new TestCertificateAuthority(name, key, request.CreateSelfSigned(from, notAfter ?? from.AddYears(5)));
    }

    /// <summary>An intermediate CA signed by this one: certificates it issues carry it in their file, chaining to the root.</summary>
    public TestCertificateAuthority CreateIntermediate(string name)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        using var signed = request.Create(Certificate.SubjectName, X509SignatureGenerator.CreateForECDsa(_key), Certificate.NotBefore, Certificate.NotAfter, RandomNumberGenerator.GetBytes(16));
        return new TestCertificateAuthority(name, key, signed.CopyWithPrivateKey(key), this);
    }

    /// <summary>Writes the CA's certificate (never its key) as PEM.</summary>
    public string WriteCertificate(string directory, string fileName = "ca.pem")
    {
        var path = Path.Combine(directory, fileName);
        File.WriteAllText(path, Certificate.ExportCertificatePem() + "\n");
        return path;
    }

    /// <summary>
    /// A silo's or client's certificate signed by this CA, for serverAuth and clientAuth (or <paramref name="usages"/>),
    /// with 127.0.0.1 and localhost as its names, written as <c>&lt;name&gt;.pem</c> and <c>&lt;name&gt;.key</c>.
    /// </summary>
    public TestTlsFiles Issue(string directory, string name, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null, string[]? usages = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement, critical: true));
        var oids = new OidCollection();
        foreach (var usage in usages ?? ["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"])
        {
            oids.Add(new Oid(usage));
        }

        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(oids, critical: false));
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, includeKeyIdentifier: true, includeIssuerAndSerial: false));

        var from = notBefore ?? DateTimeOffset.UtcNow.AddDays(-1);
        var until = notAfter ?? from.AddDays(365);
        if (until > Certificate.NotAfter)
        {
            until = Certificate.NotAfter;
        }

        using var certificate = request.Create(Certificate.SubjectName, X509SignatureGenerator.CreateForECDsa(_key), from, until, RandomNumberGenerator.GetBytes(16));
        var certificateFile = Path.Combine(directory, $"{name}.pem");
        var keyFile = Path.Combine(directory, $"{name}.key");
        // An intermediate's certificate follows the leaf in the file, as a CA hands out a chain.
        File.WriteAllText(certificateFile, certificate.ExportCertificatePem() + "\n" + (Parent is null ? "" : Certificate.ExportCertificatePem() + "\n"));
        File.WriteAllText(keyFile, key.ExportPkcs8PrivateKeyPem() + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(keyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        return new TestTlsFiles(certificateFile, keyFile, Root.WriteCertificate(directory, $"{Root.Name}-ca.pem"));
    }

    public void Dispose()
    {
        Certificate.Dispose();
        _key.Dispose();
    }
}

/// <summary>The three files of <c>ORLEANS_TLS=mutual</c>.</summary>
public sealed record TestTlsFiles(string CertificateFile, string KeyFile, string CaFile)
{
    /// <summary>The settings that turn mutual TLS on with these files.</summary>
    public Dictionary<string, string> Settings => new()
    {
        ["ORLEANS_TLS"] = "mutual",
        ["ORLEANS_TLS_CERTIFICATE_FILE"] = CertificateFile,
        ["ORLEANS_TLS_KEY_FILE"] = KeyFile,
        ["ORLEANS_TLS_CA_FILE"] = CaFile,
    };
}
