using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using OrleansRouter.Host.Hosting;

namespace OrleansRouter.Host.Configuration;

/// <summary>
/// Reads and checks the three files of <c>ORLEANS_TLS=mutual</c>: each is there and readable, the certificate is
/// valid today (a warning within <see cref="ExpiryWarning"/> of its end), fits its key, may serve as both server and
/// client, and chains to the CA file. What is wrong with the key file is said without a byte of it.
/// </summary>
public static class SiloTlsFiles
{
    /// <summary>How long before a certificate ends that the guard starts warning.</summary>
    public static readonly TimeSpan ExpiryWarning = TimeSpan.FromDays(30);

    private const string ServerAuth = "1.3.6.1.5.5.7.3.1";
    private const string ClientAuth = "1.3.6.1.5.5.7.3.2";
    private const string Hint = "see docs/runbook.md, \"Mutual TLS between silos\", to make the CA and the certificates";

    public static (SiloTlsSettings? Tls, IReadOnlyDictionary<string, string> Fingerprints) Read(ConfigValues values)
    {
        var now = values.Now;
        var fingerprints = new Dictionary<string, string>(StringComparer.Ordinal);
        var errors = values.Errors;
        bool Failed() => values.Errors > errors;
        var certificatePath = Path(values, ConfigKeys.OrleansTlsCertificateFile);
        var keyPath = Path(values, ConfigKeys.OrleansTlsKeyFile);
        var caPath = Path(values, ConfigKeys.OrleansTlsCaFile);

        var certificates = certificatePath is null ? null : Certificates(values, ConfigKeys.OrleansTlsCertificateFile, certificatePath, "the silo's certificate");
        var authorities = caPath is null ? null : Certificates(values, ConfigKeys.OrleansTlsCaFile, caPath, "the CA's certificate");
        if (certificates is { Count: > 0 })
        {
            fingerprints[ConfigKeys.OrleansTlsCertificateFile + " fingerprint"] = Fingerprint(certificates[0]);
            CheckDates(values, ConfigKeys.OrleansTlsCertificateFile, certificates[0], now);
            CheckUsages(values, certificates[0]);
        }

        if (authorities is { Count: > 0 })
        {
            fingerprints[ConfigKeys.OrleansTlsCaFile + " fingerprint"] = string.Join(",", authorities.Select(Fingerprint));
            CheckAuthorities(values, authorities, now);
        }

        var withKey = certificates is { Count: > 0 } && keyPath is not null ? WithKey(values, certificatePath!, keyPath) : null;
        if (Failed() || withKey is null || certificates is null || authorities is null)
        {
            return (null, fingerprints);
        }

        // Peers see the certificate alone (no intermediates travel with it), so it must chain to the CA file by itself.
        if (!PeerCertificates.ChainsTo(withKey, [], authorities, now.UtcDateTime))
        {
            var hint = certificates.Count > 1
                ? "sign it with a CA of ORLEANS_TLS_CA_FILE directly: the certificates after the first in the file are not sent to peers"
                : "sign the certificate with the cluster's CA, or point ORLEANS_TLS_CA_FILE at the CA that signed it";
            values.Report(ConfigKeys.OrleansTlsCertificateFile, $"{certificatePath} is not signed by a CA of ORLEANS_TLS_CA_FILE ({caPath}), so no peer would accept it", hint);
            return (null, fingerprints);
        }

        return (new SiloTlsSettings(withKey, authorities), fingerprints);
    }

    private static string? Path(ConfigValues values, string key)
    {
        var value = values[key];
        if (value is null)
        {
            values.Report(key, "is not set, and ORLEANS_TLS=mutual needs it", Hint);
            return null;
        }

        var path = values.Layers.ResolvePath(key, value);
        if (!File.Exists(path))
        {
            values.Report(key, $"{path} does not exist", Hint);
            return null;
        }

        try
        {
            using var _ = File.OpenRead(path);
            return path;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            values.Report(key, $"{path} cannot be read ({e.GetType().Name})", "let the router's user read it (and the key file no one else)");
            return null;
        }
    }

    private static X509Certificate2Collection? Certificates(ConfigValues values, string key, string path, string what)
    {
        var certificates = new X509Certificate2Collection();
        try
        {
            certificates.ImportFromPemFile(path);
        }
        catch (CryptographicException)
        {
            certificates.Clear();
        }

        if (certificates.Count == 0)
        {
            values.Report(key, $"{path} holds no PEM certificate", $"give {what} in PEM (-----BEGIN CERTIFICATE-----)");
            return null;
        }

        return certificates;
    }

    /// <summary>The certificate with its private key; the key file's problems are named by its key and path only.</summary>
    private static X509Certificate2? WithKey(ConfigValues values, string certificatePath, string keyPath)
    {
        try
        {
            return X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            values.Report(ConfigKeys.OrleansTlsKeyFile, $"{keyPath} holds no unencrypted PEM private key that matches the certificate",
                "give the certificate's own key in PEM (-----BEGIN PRIVATE KEY-----), not encrypted");
            return null;
        }
    }

    private static void CheckDates(ConfigValues values, string key, X509Certificate2 certificate, DateTimeOffset now)
    {
        var (from, until) = (new DateTimeOffset(certificate.NotBefore.ToUniversalTime()), new DateTimeOffset(certificate.NotAfter.ToUniversalTime()));
        if (until < now)
        {
            values.Report(key, $"the certificate {certificate.Subject} expired on {until:yyyy-MM-dd}", "issue a new certificate and restart the silos one by one (docs/runbook.md)");
        }
        else if (from > now)
        {
            values.Report(key, $"the certificate {certificate.Subject} is not valid before {from:yyyy-MM-dd HH:mm}Z", "check the clock, or issue a certificate valid from today");
        }
        else if (until - now < ExpiryWarning)
        {
            values.Warn(key, $"the certificate {certificate.Subject} expires on {until:yyyy-MM-dd}, in {(int)(until - now).TotalDays} days",
                "issue a new certificate and restart the silos one by one before then (docs/runbook.md)");
        }
    }

    /// <summary>A silo's certificate serves both ends: its gateway and silo ports, and its calls to other silos.</summary>
    private static void CheckUsages(ConfigValues values, X509Certificate2 certificate)
    {
        if (certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().SingleOrDefault() is not { } usages)
        {
            return;
        }

        var oids = usages.EnhancedKeyUsages.Cast<Oid>().Select(o => o.Value).ToHashSet();
        if (!oids.Contains(ServerAuth) || !oids.Contains(ClientAuth))
        {
            values.Report(ConfigKeys.OrleansTlsCertificateFile, $"the certificate {certificate.Subject} is not for both serverAuth and clientAuth",
                "issue it with extendedKeyUsage = serverAuth, clientAuth");
        }
    }

    private static void CheckAuthorities(ConfigValues values, X509Certificate2Collection authorities, DateTimeOffset now)
    {
        var current = authorities.Where(a => a.NotBefore.ToUniversalTime() <= now.UtcDateTime && now.UtcDateTime <= a.NotAfter.ToUniversalTime()).ToList();
        if (current.Count == 0)
        {
            values.Report(ConfigKeys.OrleansTlsCaFile, "holds no CA certificate valid today", "make a new CA and certificates signed by it (docs/runbook.md)");
        }
        else if (current.Count < authorities.Count)
        {
            values.Warn(ConfigKeys.OrleansTlsCaFile, $"holds {authorities.Count - current.Count} CA certificate(s) not valid today",
                "remove the expired CA once no silo's certificate is signed by it");
        }
    }

    private static string Fingerprint(X509Certificate2 certificate) => "sha256:" + certificate.GetCertHashString(HashAlgorithmName.SHA256).ToLowerInvariant();
}
