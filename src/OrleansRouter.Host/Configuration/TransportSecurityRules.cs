namespace OrleansRouter.Host.Configuration;

/// <summary>
/// The config guard's rules about what crosses the network in clear, or to whom: the silo and gateway ports (mutual
/// TLS off loopback), the Bot API URL the bot token travels in, and the webhook secret's strength. Agent URLs and
/// <c>token_env</c> are checked where the persona map is read (<see cref="OrleansRouter.Personas.PersonaMapReader"/>).
/// </summary>
public sealed class TransportSecurityRules
{
    /// <summary>Telegram accepts 1 to 256 characters; outside local a guessable one would let anyone post updates.</summary>
    public const int MinimumWebhookSecretLength = 32;

    private readonly ConfigValues _values;

    public TransportSecurityRules(ConfigValues values) => _values = values;

    /// <summary>The certificates' fingerprints by key, for the manifest: a new certificate or CA changes its hash.</summary>
    public IReadOnlyDictionary<string, string> Fingerprints { get; private set; } = new Dictionary<string, string>();

        /// <summary>
    /// <c>ORLEANS_TLS</c> and its files. Off is refused outside local while the ports listen off loopback (a warning in
    /// local); that part waits for the cluster settings to read, as it depends on them.
    /// </summary>
    public (SiloTlsSettings? Tls, bool Failed) ReadSiloTls(ClusterSettings? cluster)
    {
        var value = _values[ConfigKeys.OrleansTls];
        SiloTlsMode? mode = value?.ToLowerInvariant() switch
        {
            "off" => SiloTlsMode.Off,
            "mutual" => SiloTlsMode.Mutual,
            _ => null,
        };
        if (mode is null)
        {
            _values.Report(ConfigKeys.OrleansTls, value is null ? "is not set" : $"'{value}' is not one of: off, mutual", "set ORLEANS_TLS=mutual with its certificate files, or off on loopback");
            return (null, true);
        }

        if (mode == SiloTlsMode.Off)
        {
            WarnAboutUnusedFiles();
            RefuseCleartextPorts(cluster);
            return (null, false);
        }

        var (tls, fingerprints) = SiloTlsFiles.Read(_values);
        Fingerprints = fingerprints;
        return (tls, tls is null);
    }

    /// <summary>
    /// Outside local: the Bot API over plain http only on loopback (the token is in every request's path), and a
    /// webhook secret of at least <see cref="MinimumWebhookSecretLength"/> characters.
    /// </summary>
    public void CheckTelegram()
    {
        if (_values.IsLocal)
        {
            return;
        }

        var live = string.Equals(_values[ConfigKeys.TelegramTransportMode], "live", StringComparison.OrdinalIgnoreCase);
        if (live && Uri.TryCreate(_values[ConfigKeys.TelegramApiBaseUrl], UriKind.Absolute, out var api) && api.Scheme == Uri.UriSchemeHttp && !api.IsLoopback)
        {
            _values.Report(ConfigKeys.TelegramApiBaseUrl, $"'{api.GetLeftPart(UriPartial.Authority)}' is plain http off this machine, and the bot token travels in the path of every request",
                "use https (the default https://api.telegram.org, or your Bot API server's https URL); plain http only to a Bot API server on loopback");
        }

        var webhook = string.Equals(_values[ConfigKeys.TelegramIngress], "webhook", StringComparison.OrdinalIgnoreCase);
        var secret = _values[ConfigKeys.TelegramWebhookSecret];
        // A secret of the wrong characters is already refused where the webhook is read; this is about its length.
        if (webhook && secret is { Length: < MinimumWebhookSecretLength } && secret.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
        {
            _values.Report(ConfigKeys.TelegramWebhookSecret, $"is {secret.Length} characters, shorter than the {MinimumWebhookSecretLength} required outside local",
                "set a random secret of 32 to 256 of A-Z, a-z, 0-9, _ and -, e.g. openssl rand -hex 32");
        }
    }

    private void RefuseCleartextPorts(ClusterSettings? cluster)
    {
        if (cluster is not { ListensOffLoopback: true })
        {
            return;
        }

        var where = cluster.AdvertisedAddress is { } address ? $"every interface (advertised as {address})" : "this machine's address";
        var problem = $"is off while SILO_PORT {cluster.SiloPort} and GATEWAY_PORT {cluster.GatewayPort} listen on {where}: anyone who reaches them can join as a client and call chat grains";
        var hint = "set ORLEANS_TLS=mutual with ORLEANS_TLS_CERTIFICATE_FILE, ORLEANS_TLS_KEY_FILE and ORLEANS_TLS_CA_FILE (docs/runbook.md), or SILO_ADVERTISED_ADDRESS=127.0.0.1 for one machine";
        _values.ReportOutsideLocal(ConfigKeys.OrleansTls, problem, hint);
    }

    private void WarnAboutUnusedFiles()
    {
        foreach (var key in new[] { ConfigKeys.OrleansTlsCertificateFile, ConfigKeys.OrleansTlsKeyFile, ConfigKeys.OrleansTlsCaFile }.Where(k => _values.Layers.Explicit(k) is not null))
        {
            _values.Warn(key, "is set, but ORLEANS_TLS is off, so it is not used", "set ORLEANS_TLS=mutual to use it, or remove it");
        }
    }
}
