using System.Security.Cryptography;

namespace OrleansRouter.Host.Configuration;

/// <summary>
/// The Orleans dashboard, on its own port: loopback by default; off loopback only with a username and a password,
/// which are then asked of every request. Its live log stream is shown in local only.
/// Its basic-auth password must not cross a network in clear: outside local, a dashboard off loopback with
/// credentials needs <c>DASHBOARD_TLS_CERTIFICATE_FILE</c> and <c>DASHBOARD_TLS_KEY_FILE</c> (a loopback dashboard
/// behind a TLS proxy needs neither); in local it is a warning. The pair must both be set, load as a certificate with
/// its private key, and not have expired.
/// </summary>
public static class DashboardSettingsReader
{
    public static (DashboardSettings? Dashboard, bool Failed) Read(ConfigValues values, HttpEndpoint? http)
    {
        if (values.IsOff(ConfigKeys.DashboardEndpoint))
        {
            return (null, false);
        }

        var endpoint = values.Endpoint(ConfigKeys.DashboardEndpoint);
        var username = values[ConfigKeys.DashboardUsername];
        var password = values[ConfigKeys.DashboardPassword];
        var failed = endpoint is null;
        if ((username is null) != (password is null))
        {
            var missing = username is null ? ConfigKeys.DashboardUsername : ConfigKeys.DashboardPassword;
            values.Report(missing, "is not set, but its partner is", "set both DASHBOARD_USERNAME and DASHBOARD_PASSWORD, or neither");
            failed = true;
        }
        else if (password is { Length: < 12 })
        {
            values.Report(ConfigKeys.DashboardPassword, "is shorter than 12 characters", "use a long random password, e.g. openssl rand -base64 24");
            failed = true;
        }

        if (endpoint is { IsLoopback: false } && username is null && password is null)
        {
            values.Report(ConfigKeys.DashboardEndpoint, $"is {endpoint}, off loopback, without DASHBOARD_USERNAME and DASHBOARD_PASSWORD",
                "set both to require them of every request, or bind it to 127.0.0.1 (or set it to off)");
            failed = true;
        }

        if (endpoint is not null && endpoint.Port == http?.Port)
        {
            values.Report(ConfigKeys.DashboardEndpoint, $"uses port {endpoint.Port}, as HTTP_ENDPOINT does", "give the dashboard a port of its own, e.g. 127.0.0.1:8081");
            failed = true;
        }

        var (tls, tlsFailed) = ReadTls(values, endpoint, password is not null);
        return failed || tlsFailed
            ? (null, true)
            : (new DashboardSettings(endpoint!, username is null ? null : new DashboardCredentials(username, password!), values.IsLocal) { Tls = tls }, false);
    }

    private static (DashboardTls? Tls, bool Failed) ReadTls(ConfigValues values, HttpEndpoint? endpoint, bool hasCredentials)
    {
        var certificate = values[ConfigKeys.DashboardTlsCertificateFile];
        var key = values[ConfigKeys.DashboardTlsKeyFile];
        if (certificate is null && key is null)
        {
            if (endpoint is { IsLoopback: false } && hasCredentials)
            {
                const string Problem = "is off loopback over plain HTTP: the dashboard password would cross the network in clear";
                const string Hint = "set DASHBOARD_TLS_CERTIFICATE_FILE and DASHBOARD_TLS_KEY_FILE (PEM), or bind it to 127.0.0.1 behind a TLS proxy";
                values.ReportOutsideLocal(ConfigKeys.DashboardEndpoint, Problem, Hint);
                return (null, !values.IsLocal);
            }

            return (null, false);
        }

        if (certificate is null || key is null)
        {
            values.Report(certificate is null ? ConfigKeys.DashboardTlsCertificateFile : ConfigKeys.DashboardTlsKeyFile, "is not set, but its partner is",
                "set both DASHBOARD_TLS_CERTIFICATE_FILE and DASHBOARD_TLS_KEY_FILE, or neither");
            return (null, true);
        }

        var tls = new DashboardTls(
            values.Layers.ResolvePath(ConfigKeys.DashboardTlsCertificateFile, certificate),
            values.Layers.ResolvePath(ConfigKeys.DashboardTlsKeyFile, key));
        var missing = new[] { (ConfigKeys.DashboardTlsCertificateFile, tls.CertificateFile), (ConfigKeys.DashboardTlsKeyFile, tls.KeyFile) }
            .Where(f => !File.Exists(f.Item2)).ToList();
        foreach (var (name, path) in missing)
        {
            values.Report(name, $"{path} does not exist", "point it at a PEM file");
        }

        if (missing.Count > 0)
        {
            return (null, true);
        }

        try
        {
            using var loaded = tls.Load();
            if (loaded.NotAfter.ToUniversalTime() < values.Now.UtcDateTime)
            {
                values.Report(ConfigKeys.DashboardTlsCertificateFile, $"expired on {loaded.NotAfter.ToUniversalTime():yyyy-MM-dd}", "renew the dashboard's certificate");
                return (null, true);
            }
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException or IOException or UnauthorizedAccessException)
        {
            values.Report(ConfigKeys.DashboardTlsCertificateFile, "and DASHBOARD_TLS_KEY_FILE do not load as a PEM certificate and its private key",
                "give the certificate (chain) and its unencrypted private key, each in PEM");
            return (null, true);
        }

        return (tls, false);
    }
}
