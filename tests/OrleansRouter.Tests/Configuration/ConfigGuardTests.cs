using OrleansRouter.Configuration;
using OrleansRouter.Host.Configuration;
using OrleansRouter.Testing;

namespace OrleansRouter.Tests.Configuration;

/// <summary>
/// The config guard rule by rule: a valid staging configuration, and one change at a time to it with exactly
/// the problems that change must raise. No secret value may appear in any problem.
/// </summary>
public sealed class ConfigGuardTests : IDisposable
{
    private static readonly DateTimeOffset Today = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    private const string ValidPersonas = """
        {
          "default_persona": "p",
          "personas": {
            "p": { "agent_url": "https://agents.example.com/p", "auth": { "scheme": "bearer", "token_env": "A2A_TOKEN_P" },
                   "rate_window": { "window": "12h", "max_per_chat": 20 } },
            "q": { "agent_url": "https://agents.example.com/q", "auth": { "scheme": "api_key", "token_env": "A2A_TOKEN_Q", "header": "X-API-Key" } }
          },
          "chats": { "-1001234567890": "q" }
        }
        """;

    private static readonly Dictionary<string, string> Secrets = new()
    {
        ["TELEGRAM_BOT_TOKEN"] = "123456789:AAE-guard-token-abcdefghijklmnop",
        ["A2A_TOKEN_P"] = "agent-secret-p-0001",
        ["A2A_TOKEN_Q"] = "agent-secret-q-0002",
        ["CHAT_ID_HASH_SALT"] = "salt-0123456789abcdef",
        ["REDIS_CONNECTION_STRING"] = "redis.internal:6379,password=redis-secret-77",
        ["TELEGRAM_WEBHOOK_SECRET"] = "webhook-secret-4242-0123456789abcdef",
        ["LOG_DRAIN_TOKEN"] = "drain-secret-5151",
        ["DASHBOARD_PASSWORD"] = "dashboard-secret-6161",
    };

    private readonly string _directory = Directory.CreateTempSubdirectory("router-guard-").FullName;
    private readonly string _validPersonas;
    private readonly TestCertificateAuthority _ca = TestCertificateAuthority.Create("guard-ca", Today.AddDays(-60), Today.AddYears(3));
    private readonly TestTlsFiles _tls;

    public ConfigGuardTests()
    {
        _validPersonas = PersonaMap(ValidPersonas);
        _tls = _ca.Issue(_directory, "silo", Today.AddDays(-30), Today.AddDays(335));
    }

    public void Dispose()
    {
        _ca.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>Staging with every key it needs, each secret rotated within its policy.</summary>
    private Dictionary<string, string?> Staging() => new()
    {
        ["ROUTER_ENV"] = "staging",
        ["TELEGRAM_BOT_TOKEN"] = Secrets["TELEGRAM_BOT_TOKEN"],
        ["TELEGRAM_BOT_TOKEN_ROTATED_AT"] = "2026-10-01",
        ["PERSONA_MAP_FILE"] = _validPersonas,
        ["A2A_TOKEN_P"] = Secrets["A2A_TOKEN_P"],
        ["A2A_TOKEN_P_ROTATED_AT"] = "2026-07-01",
        ["A2A_TOKEN_Q"] = Secrets["A2A_TOKEN_Q"],
        ["A2A_TOKEN_Q_ROTATED_AT"] = "2026-06-15",
        ["CHAT_ID_HASH_SALT"] = Secrets["CHAT_ID_HASH_SALT"],
        ["REDIS_CONNECTION_STRING"] = Secrets["REDIS_CONNECTION_STRING"],
        // The silo and gateway ports listen on this machine's address: off loopback, so mutual TLS.
        ["ORLEANS_TLS"] = "mutual",
        ["ORLEANS_TLS_CERTIFICATE_FILE"] = _tls.CertificateFile,
        ["ORLEANS_TLS_KEY_FILE"] = _tls.KeyFile,
        ["ORLEANS_TLS_CA_FILE"] = _tls.CaFile,
    };

    /// <summary>
    /// A certificate file of the kind named, in place of the valid one: <c>CERT=expired</c> in a case's changes.
    /// <c>KEY=</c> and <c>CA=</c> kinds replace the key file and the CA file.
    /// </summary>
    private void Replace(Dictionary<string, string?> process, string file, string kind)
    {
        var directory = Directory.CreateDirectory(Path.Combine(_directory, $"tls-{Guid.NewGuid():N}")).FullName;
        using var other = TestCertificateAuthority.Create("another-ca", Today.AddDays(-60), Today.AddYears(3));
        using var expiredCa = TestCertificateAuthority.Create("expired-ca", Today.AddYears(-3), Today.AddDays(-1));
        using var intermediate = _ca.CreateIntermediate("guard-intermediate-ca");
        TestTlsFiles Issue(TestCertificateAuthority ca, DateTimeOffset from, DateTimeOffset until, string[]? usages = null) => ca.Issue(directory, "silo", from, until, usages);
        var (certificate, key, authority) = (file, kind) switch
        {
            ("CERT", "expired") => Files(Issue(_ca, Today.AddDays(-400), Today.AddDays(-2))),
            ("CERT", "not-yet-valid") => Files(Issue(_ca, Today.AddDays(2), Today.AddDays(400))),
            ("CERT", "expiring") => Files(Issue(_ca, Today.AddDays(-355), Today.AddDays(10))),
            ("CERT", "server-only") => Files(Issue(_ca, Today.AddDays(-1), Today.AddDays(300), ["1.3.6.1.5.5.7.3.1"])),
            ("CERT", "intermediate") => Files(intermediate.Issue(directory, "silo", Today.AddDays(-1), Today.AddDays(300))),
            ("CERT", "another-ca") => Files(Issue(other, Today.AddDays(-1), Today.AddDays(300)) with { CaFile = _tls.CaFile }),
            ("CERT", "not-pem") => (Write(directory, "silo.pem", "not a certificate"), _tls.KeyFile, _tls.CaFile),
            ("KEY", "another-key") => (_tls.CertificateFile, Issue(_ca, Today.AddDays(-1), Today.AddDays(300)).KeyFile, _tls.CaFile),
            ("KEY", "not-pem") => (_tls.CertificateFile, Write(directory, "silo.key", "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n"), _tls.CaFile),
            ("CA", "expired") => (_tls.CertificateFile, _tls.KeyFile, expiredCa.WriteCertificate(directory)),
            ("CA", "old-and-new") => (_tls.CertificateFile, _tls.KeyFile, Write(directory, "both.pem", File.ReadAllText(other.WriteCertificate(directory)) + File.ReadAllText(_tls.CaFile))),
            _ => throw new ArgumentException($"no {file} of kind {kind}"),
        };
        process["ORLEANS_TLS_CERTIFICATE_FILE"] = certificate;
        process["ORLEANS_TLS_KEY_FILE"] = key;
        process["ORLEANS_TLS_CA_FILE"] = authority;
    }

    private static (string, string, string) Files(TestTlsFiles files) => (files.CertificateFile, files.KeyFile, files.CaFile);

    private static string Write(string directory, string name, string text)
    {
        var path = Path.Combine(directory, name);
        File.WriteAllText(path, text);
        return path;
    }

    private string PersonaMap(string json)
    {
        var path = Path.Combine(_directory, $"personas-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        return path;
    }

    public static TheoryData<string, string[], string[]> Cases() => new()
    {
        // case name, changes (KEY=VALUE, KEY= removes, FILE:KEY=VALUE goes in an env file, PERSONAS=json), problems expected ("error KEY" / "warning KEY")
        { "valid staging", [], [] },
        { "staging on the stub, a dry run", ["TELEGRAM_TRANSPORT_MODE=stub"], ["warning TELEGRAM_TRANSPORT_MODE"] },
        { "a staging dry run needs no bot token", ["TELEGRAM_TRANSPORT_MODE=stub", "TELEGRAM_BOT_TOKEN=", "TELEGRAM_BOT_TOKEN_ROTATED_AT="], ["warning TELEGRAM_TRANSPORT_MODE"] },
        { "a staging dry run still needs Redis", ["TELEGRAM_TRANSPORT_MODE=stub", "ORLEANS_STORAGE=memory"], ["warning ORLEANS_STORAGE", "warning TELEGRAM_TRANSPORT_MODE", "error ORLEANS_STORAGE"] },
        { "a staging dry run with its stub off loopback", ["TELEGRAM_TRANSPORT_MODE=stub", "HTTP_ENDPOINT=:8080"], ["warning TELEGRAM_TRANSPORT_MODE", "warning HTTP_ENDPOINT"] },
        { "production on the stub", ["ROUTER_ENV=production", "TELEGRAM_TRANSPORT_MODE=stub"], ["error TELEGRAM_TRANSPORT_MODE"] },
        { "production live off loopback", ["ROUTER_ENV=production", "HTTP_ENDPOINT=:8080"], [] },
        {
            "local on the stub off loopback", ["ROUTER_ENV=local", "TELEGRAM_TRANSPORT_MODE=stub", "HTTP_ENDPOINT=:8080", "ORLEANS_STORAGE=memory", "ORLEANS_CLUSTERING=localhost"],
            ["warning HTTP_ENDPOINT"]
        },
        { "staging on memory storage", ["ORLEANS_STORAGE=memory"], ["warning ORLEANS_STORAGE", "error ORLEANS_STORAGE"] },
        { "staging on localhost clustering", ["ORLEANS_CLUSTERING=localhost"], ["error ORLEANS_CLUSTERING"] },
        { "staging without Redis", ["REDIS_CONNECTION_STRING="], ["error REDIS_CONNECTION_STRING"] },
        { "Redis through three Sentinels", ["REDIS_CONNECTION_STRING=sentinel-1:26379,sentinel-2:26379,sentinel-3:26379,serviceName=router,password=redis-secret-77"], [] },
        { "Redis through a single Sentinel", ["REDIS_CONNECTION_STRING=sentinel-1:26379,serviceName=router,password=redis-secret-77"], ["warning REDIS_CONNECTION_STRING"] },
        { "a Sentinel service with no Sentinel", ["REDIS_CONNECTION_STRING=serviceName=router,password=redis-secret-77"], ["error REDIS_CONNECTION_STRING"] },
        { "a Sentinel service named beside the Redis servers", ["REDIS_CONNECTION_STRING=redis-1:6379,redis-2:6379,serviceName=router,password=redis-secret-77"], ["warning REDIS_CONNECTION_STRING"] },
        { "Sentinels without their service name", ["REDIS_CONNECTION_STRING=sentinel-1:26379,sentinel-2:26379,sentinel-3:26379,password=redis-secret-77"], ["warning REDIS_CONNECTION_STRING"] },
        { "a Redis option misspelt", ["REDIS_CONNECTION_STRING=redis.internal:6379,passwrd=redis-secret-77"], ["error REDIS_CONNECTION_STRING"] },
        { "a Redis option without its value", ["REDIS_CONNECTION_STRING=redis.internal:6379,connectTimeout=redis-secret-77"], ["error REDIS_CONNECTION_STRING"] },
        { "a Redis password without its equals sign", ["REDIS_CONNECTION_STRING=redis.internal:6379,password"], ["error REDIS_CONNECTION_STRING"] },
        { "a Redis connection string naming no server", ["REDIS_CONNECTION_STRING=,password=redis-secret-77"], ["error REDIS_CONNECTION_STRING"] },
        { "production without its secrets", ["ROUTER_ENV=production", "TELEGRAM_BOT_TOKEN=", "CHAT_ID_HASH_SALT="], ["error TELEGRAM_BOT_TOKEN", "error CHAT_ID_HASH_SALT"] },
        { "unknown environment", ["ROUTER_ENV=prod"], ["error ROUTER_ENV"] },
        { "webhook without URL or secret", ["TELEGRAM_INGRESS=webhook"], ["error TELEGRAM_WEBHOOK_URL", "error TELEGRAM_WEBHOOK_SECRET"] },
        {
            "webhook on plain http", ["TELEGRAM_INGRESS=webhook", "TELEGRAM_WEBHOOK_URL=http://bot.example.com/hook", "TELEGRAM_WEBHOOK_SECRET=webhook-secret-4242-0123456789abcdef", "TELEGRAM_WEBHOOK_SECRET_ROTATED_AT=2026-11-01"],
            ["error TELEGRAM_WEBHOOK_URL"]
        },
        {
            "webhook complete", ["TELEGRAM_INGRESS=webhook", "TELEGRAM_WEBHOOK_URL=https://bot.example.com/hook", "TELEGRAM_WEBHOOK_SECRET=webhook-secret-4242-0123456789abcdef", "TELEGRAM_WEBHOOK_SECRET_ROTATED_AT=2026-11-01"],
            []
        },
        { "a push URL", ["A2A_PUSH_URL=https://router.example.com/a2a/push"], [] },
        { "a push URL on plain http", ["A2A_PUSH_URL=http://router.example.com/a2a/push"], ["error A2A_PUSH_URL"] },
        { "a push URL without a path", ["A2A_PUSH_URL=https://router.example.com/"], ["error A2A_PUSH_URL"] },
        { "a push URL with a query", ["A2A_PUSH_URL=https://router.example.com/a2a/push?chat=1"], ["error A2A_PUSH_URL"] },
        { "a push URL that is not one", ["A2A_PUSH_URL=router.example.com/a2a/push"], ["error A2A_PUSH_URL"] },
        { "bot token of the wrong shape", ["TELEGRAM_BOT_TOKEN=bot-token-without-id"], ["error TELEGRAM_BOT_TOKEN"] },
        { "queue depth of zero", ["QUEUE_MAX_DEPTH_PER_CHAT=0"], ["error QUEUE_MAX_DEPTH_PER_CHAT"] },
        { "retry knobs that are not numbers", ["RETRY_MAX_ATTEMPTS=lots", "RETRY_BASE_DELAY_MS=-1"], ["error RETRY_MAX_ATTEMPTS", "error RETRY_BASE_DELAY_MS"] },
        { "a port out of range", ["HTTP_ENDPOINT=127.0.0.1:70000", "SILO_PORT=0"], ["error HTTP_ENDPOINT", "error SILO_PORT"] },
        { "a Bot API URL that is not http", ["TELEGRAM_API_BASE_URL=ftp://files.example.com"], ["error TELEGRAM_API_BASE_URL"] },
        { "a misspelt key", ["FILE:QUEUE_MAX_DEPTH_PER_CAHT=5"], ["warning QUEUE_MAX_DEPTH_PER_CAHT"] },
        { "persona map with an unknown key", [$"PERSONAS={ValidPersonas.Replace("\"rate_window\"", "\"rate_windw\"", StringComparison.Ordinal)}"], ["error PERSONA_MAP_FILE:personas.p.rate_windw"] },
        { "persona map whose default is missing", [$"PERSONAS={ValidPersonas.Replace("\"default_persona\": \"p\"", "\"default_persona\": \"r\"", StringComparison.Ordinal)}"], ["error PERSONA_MAP_FILE:default_persona"] },
        { "persona map token_env not set", ["A2A_TOKEN_P=", "A2A_TOKEN_P_ROTATED_AT="], ["error PERSONA_MAP_FILE:personas.p.auth.token_env"] },
        { "persona map chat id not a number", [$"PERSONAS={ValidPersonas.Replace("-1001234567890", "the-team", StringComparison.Ordinal)}"], ["error PERSONA_MAP_FILE:chats.the-team"] },
        { "persona map window that does not parse", [$"PERSONAS={ValidPersonas.Replace("\"12h\"", "\"12 hours\"", StringComparison.Ordinal)}"], ["error PERSONA_MAP_FILE:personas.p.rate_window.window"] },
        { "persona map that is not JSON", ["PERSONAS={ \"default_persona\": "], ["error PERSONA_MAP_FILE"] },
        { "Telegram token rotated 100 days ago", ["TELEGRAM_BOT_TOKEN_ROTATED_AT=2026-08-20"], ["error TELEGRAM_BOT_TOKEN_ROTATED_AT"] },
        { "Telegram token rotation not recorded", ["TELEGRAM_BOT_TOKEN_ROTATED_AT="], ["error TELEGRAM_BOT_TOKEN_ROTATED_AT"] },
        { "A2A token rotated 170 days ago", ["A2A_TOKEN_P_ROTATED_AT=2026-06-11"], [] },
        { "A2A token rotated 200 days ago", ["A2A_TOKEN_P_ROTATED_AT=2026-05-12"], ["error A2A_TOKEN_P_ROTATED_AT"] },
        { "an agent key rotated too long ago", ["A2A_TOKEN_Q_ROTATED_AT=2026-01-01"], ["error A2A_TOKEN_Q_ROTATED_AT"] },
        { "a rotation date that is not a date", ["A2A_TOKEN_P_ROTATED_AT=last tuesday"], ["error A2A_TOKEN_P_ROTATED_AT"] },
        { "a rotation date in the future", ["A2A_TOKEN_P_ROTATED_AT=2027-03-01"], ["error A2A_TOKEN_P_ROTATED_AT"] },
        {
            "local with a stale token warns only", ["ROUTER_ENV=local", "TELEGRAM_BOT_TOKEN_ROTATED_AT=2025-01-01", "ORLEANS_STORAGE=memory", "ORLEANS_CLUSTERING=localhost"],
            ["warning TELEGRAM_BOT_TOKEN_ROTATED_AT"]
        },
        { "log forwarding to a drain", ["LOG_FORWARD=tcp://logs.internal:1514"], [] },
        { "log forwarding with a stale drain token", ["LOG_FORWARD=udp://logs.internal:1514", "LOG_DRAIN_TOKEN=drain-secret-5151", "LOG_DRAIN_TOKEN_ROTATED_AT=2026-06-01"], ["error LOG_DRAIN_TOKEN_ROTATED_AT"] },
        { "log forwarding over http", ["LOG_FORWARD=http://logs.internal:1514"], ["error LOG_FORWARD"] },
        { "log forwarding without a port", ["LOG_FORWARD=tcp://logs.internal"], ["error LOG_FORWARD"] },
        { "dashboard off", ["DASHBOARD_ENDPOINT=off"], [] },
        { "metrics off, printed on stdout", ["METRICS_ENDPOINT=off", "METRICS_EMIT=stdout", "METRICS_EMIT_SECONDS=5"], [] },
        { "metrics on the dashboard's port", ["METRICS_ENDPOINT=127.0.0.1:8081"], ["error METRICS_ENDPOINT"] },
        { "metrics emitted somewhere unknown", ["METRICS_EMIT=statsd", "METRICS_EMIT_SECONDS=0"], ["error METRICS_EMIT", "error METRICS_EMIT_SECONDS"] },
        { "OTLP export", ["OTEL_EXPORTER_OTLP_ENDPOINT=http://otel-collector.internal:4318"], [] },
        { "OTLP export to something that is not a URL", ["OTEL_EXPORTER_OTLP_ENDPOINT=otel-collector:4318", "OTEL_EXPORTER_OTLP_PROTOCOL=thrift"], ["error OTEL_EXPORTER_OTLP_ENDPOINT", "error OTEL_EXPORTER_OTLP_PROTOCOL"] },
        { "dashboard off loopback without credentials", ["DASHBOARD_ENDPOINT=:8081"], ["error DASHBOARD_ENDPOINT"] },
        { "dashboard off loopback with credentials", ["DASHBOARD_ENDPOINT=:8081", "DASHBOARD_USERNAME=ops", "DASHBOARD_PASSWORD=dashboard-secret-6161"], ["error DASHBOARD_ENDPOINT"] },
        { "dashboard with a username alone", ["DASHBOARD_USERNAME=ops"], ["error DASHBOARD_PASSWORD"] },
        { "dashboard with a short password", ["DASHBOARD_USERNAME=ops", "DASHBOARD_PASSWORD=short"], ["error DASHBOARD_PASSWORD"] },
        { "dashboard on the HTTP port", ["HTTP_ENDPOINT=127.0.0.1:9000", "DASHBOARD_ENDPOINT=127.0.0.1:9000"], ["error DASHBOARD_ENDPOINT"] },

        // The silo and gateway ports (issue 11, finding 1).
        { "silo ports off loopback in clear", ["ORLEANS_TLS=off", .. NoTlsFiles], ["error ORLEANS_TLS"] },
        { "silo ports off loopback in clear, by default", ["ORLEANS_TLS=", .. NoTlsFiles], ["error ORLEANS_TLS"] },
        { "silo ports on every interface in clear", ["ORLEANS_TLS=off", "SILO_ADVERTISED_ADDRESS=10.0.0.12", .. NoTlsFiles], ["error ORLEANS_TLS"] },
        { "silo ports on loopback in clear", ["ORLEANS_TLS=off", "SILO_ADVERTISED_ADDRESS=127.0.0.1", .. NoTlsFiles], [] },
        { "silo ports on loopback with mutual TLS", ["SILO_ADVERTISED_ADDRESS=127.0.0.1"], [] },
        { "local silo ports off loopback in clear warns", ["ROUTER_ENV=local", "ORLEANS_CLUSTERING=redis", "ORLEANS_STORAGE=redis", "ORLEANS_TLS=off", .. NoTlsFiles], ["warning ORLEANS_TLS"] },
        { "local on localhost clustering in clear", ["ROUTER_ENV=local", "ORLEANS_CLUSTERING=localhost", "ORLEANS_STORAGE=memory", "ORLEANS_TLS=", .. NoTlsFiles], [] },
        { "TLS files beside TLS off", ["ORLEANS_TLS=off", "SILO_ADVERTISED_ADDRESS=127.0.0.1"], ["warning ORLEANS_TLS_CERTIFICATE_FILE", "warning ORLEANS_TLS_KEY_FILE", "warning ORLEANS_TLS_CA_FILE"] },
        { "TLS mode unknown", ["ORLEANS_TLS=on"], ["error ORLEANS_TLS"] },
        { "mutual TLS without its files", [.. NoTlsFiles], ["error ORLEANS_TLS_CERTIFICATE_FILE", "error ORLEANS_TLS_KEY_FILE", "error ORLEANS_TLS_CA_FILE"] },
        { "a TLS certificate file that does not exist", ["ORLEANS_TLS_CERTIFICATE_FILE=/nonexistent/silo.pem"], ["error ORLEANS_TLS_CERTIFICATE_FILE"] },
        { "a TLS certificate that is not PEM", ["CERT=not-pem"], ["error ORLEANS_TLS_CERTIFICATE_FILE"] },
        { "an expired TLS certificate", ["CERT=expired"], ["error ORLEANS_TLS_CERTIFICATE_FILE"] },
        { "a TLS certificate not valid yet", ["CERT=not-yet-valid"], ["error ORLEANS_TLS_CERTIFICATE_FILE"] },
        { "a TLS certificate that expires in ten days", ["CERT=expiring"], ["warning ORLEANS_TLS_CERTIFICATE_FILE"] },
        { "a TLS certificate for serverAuth alone", ["CERT=server-only"], ["error ORLEANS_TLS_CERTIFICATE_FILE"] },
        { "a TLS certificate of another CA", ["CERT=another-ca"], ["error ORLEANS_TLS_CERTIFICATE_FILE"] },
        { "a TLS certificate of an intermediate CA, its chain in the file", ["CERT=intermediate"], ["error ORLEANS_TLS_CERTIFICATE_FILE"] },
        { "a TLS key of another certificate", ["KEY=another-key"], ["error ORLEANS_TLS_KEY_FILE"] },
        { "a TLS key that is not a key", ["KEY=not-pem"], ["error ORLEANS_TLS_KEY_FILE"] },
        { "an expired TLS CA", ["CA=expired"], ["error ORLEANS_TLS_CA_FILE"] },
        { "the old and the new CA during a rotation", ["CA=old-and-new"], [] },

        // Agents (findings 2 and 7).
        { "an agent over plain http", [$"PERSONAS={ValidPersonas.Replace("https://agents.example.com/p", "http://agents.example.com/p", StringComparison.Ordinal)}"], ["error PERSONA_MAP_FILE:personas.p.agent_url"] },
        { "an agent over plain http on loopback", [$"PERSONAS={ValidPersonas.Replace("https://agents.example.com/p", "http://127.0.0.1:9999/p", StringComparison.Ordinal)}"], [] },
        {
            "local with an agent over plain http", ["ROUTER_ENV=local", $"PERSONAS={ValidPersonas.Replace("https://agents.example.com/p", "http://agents.example.com/p", StringComparison.Ordinal)}"],
            []
        },
        { "token_env naming the bot token", [$"PERSONAS={ValidPersonas.Replace("A2A_TOKEN_Q", "TELEGRAM_BOT_TOKEN", StringComparison.Ordinal)}"], ["error PERSONA_MAP_FILE:personas.q.auth.token_env"] },
        { "token_env naming the Redis connection string", [$"PERSONAS={ValidPersonas.Replace("A2A_TOKEN_Q", "REDIS_CONNECTION_STRING", StringComparison.Ordinal)}"], ["error PERSONA_MAP_FILE:personas.q.auth.token_env"] },
        { "local token_env naming the chat id salt", ["ROUTER_ENV=local", $"PERSONAS={ValidPersonas.Replace("A2A_TOKEN_Q", "CHAT_ID_HASH_SALT", StringComparison.Ordinal)}"], ["error PERSONA_MAP_FILE:personas.q.auth.token_env"] },

        // Telegram (findings 8 and 17).
        {
            "webhook with a short secret", ["TELEGRAM_INGRESS=webhook", "TELEGRAM_WEBHOOK_URL=https://bot.example.com/hook", "TELEGRAM_WEBHOOK_SECRET=webhook-secret-4242", "TELEGRAM_WEBHOOK_SECRET_ROTATED_AT=2026-11-01"],
            ["error TELEGRAM_WEBHOOK_SECRET"]
        },
        {
            "webhook with a one-character secret", ["TELEGRAM_INGRESS=webhook", "TELEGRAM_WEBHOOK_URL=https://bot.example.com/hook", "TELEGRAM_WEBHOOK_SECRET=x", "TELEGRAM_WEBHOOK_SECRET_ROTATED_AT=2026-11-01"],
            ["error TELEGRAM_WEBHOOK_SECRET"]
        },
        {
            "webhook with a secret of characters Telegram refuses", ["TELEGRAM_INGRESS=webhook", "TELEGRAM_WEBHOOK_URL=https://bot.example.com/hook", "TELEGRAM_WEBHOOK_SECRET=webhook secret 4242 0123456789abcdef!", "TELEGRAM_WEBHOOK_SECRET_ROTATED_AT=2026-11-01"],
            ["error TELEGRAM_WEBHOOK_SECRET"]
        },
        {
            "local webhook with a short secret", ["ROUTER_ENV=local", "TELEGRAM_TRANSPORT_MODE=live", "TELEGRAM_INGRESS=webhook", "TELEGRAM_WEBHOOK_URL=https://bot.example.com/hook", "TELEGRAM_WEBHOOK_SECRET=webhook-secret-4242", "TELEGRAM_WEBHOOK_SECRET_ROTATED_AT=2026-11-01"],
            []
        },
        { "a Bot API over plain http", ["TELEGRAM_API_BASE_URL=http://bot-api.internal:8081"], ["error TELEGRAM_API_BASE_URL"] },
        { "a Bot API over plain http on loopback", ["TELEGRAM_API_BASE_URL=http://127.0.0.1:8081"], [] },
        { "a self-hosted Bot API over https", ["TELEGRAM_API_BASE_URL=https://bot-api.internal:8443"], [] },
        { "local with a Bot API over plain http", ["ROUTER_ENV=local", "TELEGRAM_TRANSPORT_MODE=live", "TELEGRAM_API_BASE_URL=http://bot-api.internal:8081"], [] },
        { "a staging dry run ignores the Bot API URL", ["TELEGRAM_TRANSPORT_MODE=stub", "TELEGRAM_API_BASE_URL=http://bot-api.internal:8081"], ["warning TELEGRAM_TRANSPORT_MODE"] },

        // Exposure (issue 11, findings 9 and 10): the dashboard's password never crosses a network in clear; the echo agent only in local.
        { "dashboard off loopback with credentials and TLS", [.. DashboardOffLoopback, .. DashboardTls], [] },
        { "dashboard on loopback behind a proxy needs no TLS", ["DASHBOARD_ENDPOINT=127.0.0.1:8081", "DASHBOARD_USERNAME=ops", "DASHBOARD_PASSWORD=dashboard-secret-6161"], [] },
        {
            "local dashboard off loopback without TLS warns", [.. DashboardOffLoopback, "ROUTER_ENV=local", "ORLEANS_STORAGE=memory", "ORLEANS_CLUSTERING=localhost"],
            ["warning DASHBOARD_ENDPOINT"]
        },
        { "dashboard TLS certificate without its key", [.. DashboardOffLoopback, $"DASHBOARD_TLS_CERTIFICATE_FILE={TlsFile("crt")}"], ["error DASHBOARD_TLS_KEY_FILE"] },
        { "dashboard TLS files that do not exist", [.. DashboardOffLoopback, "DASHBOARD_TLS_CERTIFICATE_FILE=/nonexistent/d.crt", "DASHBOARD_TLS_KEY_FILE=/nonexistent/d.key"], ["error DASHBOARD_TLS_CERTIFICATE_FILE", "error DASHBOARD_TLS_KEY_FILE"] },
        { "dashboard TLS files that are not PEM", [.. DashboardOffLoopback, $"DASHBOARD_TLS_CERTIFICATE_FILE={NotPem}", $"DASHBOARD_TLS_KEY_FILE={NotPem}"], ["error DASHBOARD_TLS_CERTIFICATE_FILE"] },
        { "dashboard TLS certificate that expired", [.. DashboardOffLoopback, $"DASHBOARD_TLS_CERTIFICATE_FILE={TlsFile("crt", expired: true)}", $"DASHBOARD_TLS_KEY_FILE={TlsFile("key", expired: true)}"], ["error DASHBOARD_TLS_CERTIFICATE_FILE"] },
        {
            "the echo agent outside local", [$"PERSONAS={ValidPersonas.Replace("\"https://agents.example.com/q\"", "\"builtin:echo\"", StringComparison.Ordinal)}"],
            ["error PERSONA_MAP_FILE:personas.q.agent_url"]
        },
    };

    private static readonly string SharedDirectory = Directory.CreateTempSubdirectory("router-guard-tls-").FullName;

    private static readonly string[] DashboardOffLoopback = ["DASHBOARD_ENDPOINT=:8081", "DASHBOARD_USERNAME=ops", "DASHBOARD_PASSWORD=dashboard-secret-6161"];

    private static string[] DashboardTls => [$"DASHBOARD_TLS_CERTIFICATE_FILE={TlsFile("crt")}", $"DASHBOARD_TLS_KEY_FILE={TlsFile("key")}"];

    private static readonly string NotPem = WriteShared("not-pem.txt", "this is not a certificate");

    /// <summary>A self-signed certificate (valid, or expired two days before <see cref="Today"/>) and its key, as PEM files shared by the rows.</summary>
    private static string TlsFile(string extension, bool expired = false)
    {
        var name = expired ? "expired" : "valid";
        if (!File.Exists(Path.Combine(SharedDirectory, $"{name}.crt")))
        {
            using var key = System.Security.Cryptography.ECDsa.Create();
            var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=dashboard", key, System.Security.Cryptography.HashAlgorithmName.SHA256);
            var notAfter = expired ? Today.AddDays(-2) : Today.AddYears(1);
            using var certificate = request.CreateSelfSigned(notAfter.AddYears(-1), notAfter);
            WriteShared($"{name}.key", key.ExportPkcs8PrivateKeyPem());
            WriteShared($"{name}.crt", certificate.ExportCertificatePem());
        }

        return Path.Combine(SharedDirectory, $"{name}.{extension}");
    }

    private static string WriteShared(string name, string text)
    {
        var path = Path.Combine(SharedDirectory, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static readonly string[] NoTlsFiles = ["ORLEANS_TLS_CERTIFICATE_FILE=", "ORLEANS_TLS_KEY_FILE=", "ORLEANS_TLS_CA_FILE="];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_rule_raises_exactly_its_problems(string name, string[] changes, string[] expected)
    {
        var process = Staging();
        var envFile = Path.Combine(_directory, "guard.env");
        File.WriteAllText(envFile, "");
        foreach (var change in changes)
        {
            var (key, value) = (change[..change.IndexOf('=', StringComparison.Ordinal)], change[(change.IndexOf('=', StringComparison.Ordinal) + 1)..]);
            if (key == "PERSONAS")
            {
                process["PERSONA_MAP_FILE"] = PersonaMap(value);
            }
            else if (key is "CERT" or "KEY" or "CA")
            {
                Replace(process, key, value);
            }
            else if (key.StartsWith("FILE:", StringComparison.Ordinal))
            {
                File.AppendAllText(envFile, $"{key["FILE:".Length..]}={value}\n");
            }
            else
            {
                process[key] = value.Length == 0 ? null : value;
            }
        }

        var environment = process.Where(p => p.Value is not null).ToDictionary(p => p.Key, p => p.Value!);
        var reading = RouterSettingsReader.Read([envFile], environment, Today);

        var found = reading.Problems.Select(p => $"{(p.Severity == ProblemSeverity.Error ? "error" : "warning")} {p.Key}");
        Assert.True(expected.SequenceEqual(found), $"{name}: expected [{string.Join(", ", expected)}], found:\n{string.Join("\n", reading.Problems)}");
        Assert.Equal(expected.All(e => e.StartsWith("warning", StringComparison.Ordinal)), reading.Settings is not null);
        var text = string.Join("\n", reading.Problems) + string.Join("\n", reading.Manifest.Entries);
        Assert.All(Secrets.Values, secret => Assert.DoesNotContain(secret, text, StringComparison.Ordinal));
        Assert.All(KeyLines(process["ORLEANS_TLS_KEY_FILE"]), line => Assert.DoesNotContain(line, text, StringComparison.Ordinal));
    }

    [Fact]
    public void The_manifest_hash_moves_with_a_setting_and_a_secret_version_but_not_a_secret_value_or_an_auditor()
    {
        var environment = Staging().ToDictionary(p => p.Key, p => p.Value!);
        string Hash(params (string Key, string Value)[] changes)
        {
            var changed = new Dictionary<string, string>(environment);
            foreach (var (key, value) in changes)
            {
                changed[key] = value;
            }

            return RouterSettingsReader.Read([], changed, Today).Manifest.Hash;
        }

        var baseline = Hash();
        Assert.StartsWith("sha256:", baseline, StringComparison.Ordinal);
        Assert.Equal(baseline, Hash());
        Assert.Equal(baseline, Hash(("TELEGRAM_BOT_TOKEN", "987654321:AAE-another-token-abcdefghijk")));
        Assert.Equal(baseline, Hash(("DEPLOY_OPERATOR_ID", "alice"), ("IMAGE_DIGEST", "sha256:abc")));
        Assert.NotEqual(baseline, Hash(("QUEUE_MAX_DEPTH_PER_CHAT", "50")));
        Assert.NotEqual(baseline, Hash(("SECRET_VERSION_TELEGRAM_BOT_TOKEN", "v8")));
        Assert.NotEqual(baseline, Hash(("TELEGRAM_BOT_TOKEN_ROTATED_AT", "2026-11-20")));
    }

    [Fact]
    public void A_diff_lists_added_removed_and_changed_keys_shows_secrets_only_as_changed_and_does_not_count_the_environments_name()
    {
        var before = RouterSettingsReader.Read([], Staging().ToDictionary(p => p.Key, p => p.Value!), Today).Manifest;
        var after = Staging();
        after["QUEUE_MAX_DEPTH_PER_CHAT"] = "50";
        after["A2A_TOKEN_P"] = "agent-secret-p-0002";
        after["LOG_FORWARD"] = "tcp://logs.internal:1514";
        after["ORLEANS_CLUSTER_ID"] = "router-production";
        after.Remove("A2A_TOKEN_Q_ROTATED_AT");

        var diff = RouterSettingsReader.Read([], after.Where(p => p.Value is not null).ToDictionary(p => p.Key, p => p.Value!), Today).Manifest.DiffFrom(before);

        Assert.Equal(
            [
                new ConfigChange("A2A_TOKEN_P", "changed", null, null),
                new ConfigChange("A2A_TOKEN_Q", "changed", null, null),
                new ConfigChange("LOG_FORWARD", "added", null, "tcp://logs.internal:1514"),
                new ConfigChange("ORLEANS_CLUSTER_ID", "changed", "orleans-router", "router-production", Counted: false),
                new ConfigChange("QUEUE_MAX_DEPTH_PER_CHAT", "changed", "100", "50"),
            ],
            diff.Changes);
        Assert.Equal(4.0 / diff.Keys, diff.Share, 6);
    }

    [Fact]
    public void The_manifest_names_the_TLS_certificates_by_fingerprint_and_never_holds_the_key()
    {
        var environment = Staging().ToDictionary(p => p.Key, p => p.Value!);
        var before = RouterSettingsReader.Read([], environment, Today).Manifest;
        var renewed = _ca.Issue(Directory.CreateDirectory(Path.Combine(_directory, "renewed")).FullName, "silo", Today.AddDays(-1), Today.AddDays(300));
        File.Copy(renewed.CertificateFile, _tls.CertificateFile, overwrite: true);
        File.Copy(renewed.KeyFile, _tls.KeyFile, overwrite: true);

        var after = RouterSettingsReader.Read([], environment, Today).Manifest;

        Assert.Matches("^sha256:[0-9a-f]{64}$", before.Entries["ORLEANS_TLS_CERTIFICATE_FILE fingerprint"]);
        Assert.Equal(_tls.KeyFile, before.Entries["ORLEANS_TLS_KEY_FILE"]);
        Assert.NotEqual(before.Hash, after.Hash);
        Assert.Equal(["ORLEANS_TLS_CERTIFICATE_FILE fingerprint"], after.DiffFrom(before).Changes.Select(c => c.Key));
        var text = string.Join("\n", before.Entries) + string.Join("\n", after.Entries);
        Assert.All(KeyLines(_tls.KeyFile), line => Assert.DoesNotContain(line, text, StringComparison.Ordinal));
    }

    /// <summary>The base64 lines of a PEM key file, none of which may appear anywhere.</summary>
    private static IEnumerable<string> KeyLines(string? keyFile) =>
        keyFile is not null && File.Exists(keyFile) ? File.ReadAllLines(keyFile).Where(line => line.Length > 8 && !line.StartsWith("-----", StringComparison.Ordinal)) : [];
}
