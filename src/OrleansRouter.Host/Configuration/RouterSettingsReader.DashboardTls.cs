using System.Security.Cryptography;
using OrleansRouter.Configuration;

namespace OrleansRouter.Host.Configuration;

/// <summary>
/// The dashboard's TLS rules. Its basic-auth password must not cross a network in clear: outside local, a
/// dashboard off loopback with credentials needs <c>DASHBOARD_TLS_CERTIFICATE_FILE</c> and
/// <c>DASHBOARD_TLS_KEY_FILE</c> (a loopback dashboard behind a TLS proxy needs neither); in local it is a warning.
/// The pair must both be set, load as a certificate with its private key, and not have expired.
/// </summary>
public sealed partial class RouterSettingsReader
{
    private (DashboardTls? Tls, bool Failed) ReadDashboardTls(HttpEndpoint? endpoint, bool hasCredentials)
    {
        var certificate = _layers[ConfigKeys.DashboardTlsCertificateFile];
        var key = _layers[ConfigKeys.DashboardTlsKeyFile];
        if (certificate is null && key is null)
        {
            if (endpoint is { IsLoopback: false } && hasCredentials)
            {
                const string Problem = "is off loopback over plain HTTP: the dashboard password would cross the network in clear";
                const string Hint = "set DASHBOARD_TLS_CERTIFICATE_FILE and DASHBOARD_TLS_KEY_FILE (PEM), or bind it to 127.0.0.1 behind a TLS proxy";
                if (_layers.Environment == RouterEnvironment.Local)
                {
                    _problems.Add(ConfigProblem.Warning(ConfigKeys.DashboardEndpoint, Problem, Hint));
                }
                else
                {
                    Report(ConfigKeys.DashboardEndpoint, Problem, Hint);
                    return (null, true);
                }
            }

            return (null, false);
        }

        if (certificate is null || key is null)
        {
            Report(certificate is null ? ConfigKeys.DashboardTlsCertificateFile : ConfigKeys.DashboardTlsKeyFile, "is not set, but its partner is",
                "set both DASHBOARD_TLS_CERTIFICATE_FILE and DASHBOARD_TLS_KEY_FILE, or neither");
            return (null, true);
        }

        var tls = new DashboardTls(
            _layers.ResolvePath(ConfigKeys.DashboardTlsCertificateFile, certificate),
            _layers.ResolvePath(ConfigKeys.DashboardTlsKeyFile, key));
        var missing = new[] { (ConfigKeys.DashboardTlsCertificateFile, tls.CertificateFile), (ConfigKeys.DashboardTlsKeyFile, tls.KeyFile) }
            .Where(f => !File.Exists(f.Item2)).ToList();
        foreach (var (name, path) in missing)
        {
            Report(name, $"{path} does not exist", "point it at a PEM file");
        }

        if (missing.Count > 0)
        {
            return (null, true);
        }

        try
        {
            using var loaded = tls.Load();
            if (loaded.NotAfter.ToUniversalTime() < _now.UtcDateTime)
            {
                Report(ConfigKeys.DashboardTlsCertificateFile, $"expired on {loaded.NotAfter.ToUniversalTime():yyyy-MM-dd}", "renew the dashboard's certificate");
                return (null, true);
            }
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException or IOException or UnauthorizedAccessException)
        {
            Report(ConfigKeys.DashboardTlsCertificateFile, "and DASHBOARD_TLS_KEY_FILE do not load as a PEM certificate and its private key",
                "give the certificate (chain) and its unencrypted private key, each in PEM");
            return (null, true);
        }

        return (tls, false);
    }
}
