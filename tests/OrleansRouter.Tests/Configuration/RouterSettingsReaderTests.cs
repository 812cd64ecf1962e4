using OrleansRouter.Configuration;
using OrleansRouter.Host.Configuration;
using OrleansRouter.Telegram.Stub;

namespace OrleansRouter.Tests.Configuration;

public sealed class RouterSettingsReaderTests : IDisposable
{
    private const string LiveToken = "123456789:AAE-live-token-abcdefghijklmnopqrstuv";
    private readonly string _directory = Directory.CreateTempSubdirectory("router-config-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string File(string name, string text)
    {
        var path = Path.Combine(_directory, name);
        System.IO.File.WriteAllText(path, text);
        return path;
    }

    private static (RouterSettings? Settings, IReadOnlyList<ConfigProblem> Problems) Read(string? envFile, params (string Key, string Value)[] process) =>
        RouterSettingsReader.Read(envFile, process.ToDictionary(p => p.Key, p => p.Value));

    [Fact]
    public void Local_runs_on_embedded_defaults_alone()
    {
        var (settings, problems) = Read(null, ("ROUTER_ENV", "local"));

        Assert.Empty(problems);
        Assert.Equal(TransportMode.Stub, settings!.Telegram.Mode);
        Assert.Equal(StubBotApi.DefaultToken, settings.Telegram.Token);
        Assert.Equal(new Uri("http://127.0.0.1:8080"), settings.Telegram.ApiBaseUrl);
        Assert.Equal("echo", settings.Personas.Default.Name);
        Assert.True(settings.ServesEchoAgent);
        Assert.Equal((ClusteringMode.Localhost, StorageMode.Memory), (settings.Cluster.Clustering, settings.Cluster.Storage));
    }

    [Fact]
    public void The_process_environment_wins_over_the_file_and_the_file_over_the_defaults()
    {
        var envFile = File(".env", "ROUTER_ENV=local\nHTTP_ENDPOINT=127.0.0.1:9100\nSILO_PORT=12000\nLOG_FORMAT=text\n");

        var (settings, _) = Read(envFile, ("SILO_PORT", "13000"));

        Assert.Equal(13000, settings!.Cluster.SiloPort);
        Assert.Equal(9100, settings.Http.Port);
        Assert.Equal(LogFormat.Text, settings.Logging.Format);
        Assert.Equal(30000, settings.Cluster.GatewayPort);
    }

    [Fact]
    public void A_relative_persona_map_path_in_the_file_is_relative_to_the_file()
    {
        File("personas.json", """{ "default_persona": "p", "personas": { "p": { "agent_url": "http://127.0.0.1:9/p" } } }""");
        var envFile = File("router.env", "ROUTER_ENV=local\nPERSONA_MAP_FILE=personas.json\n");

        var (settings, problems) = Read(envFile);

        Assert.Empty(problems);
        Assert.Equal("p", settings!.Personas.Default.Name);
        Assert.False(settings.ServesEchoAgent);
    }

    [Fact]
    public void Every_problem_is_listed_at_once_and_no_secret_value_appears()
    {
        var personas = File("personas.json", """{ "default_persona": "p", "personas": { "p": { "agent_url": "https://a/p", "auth": { "scheme": "bearer", "token_env": "A2A_TOKEN_P" } } } }""");
        var envFile = File("bad.env", $"""
            ROUTER_ENV=production
            TELEGRAM_BOT_TOKEN=not-a-token-but-secret-123
            PERSONA_MAP_FILE={personas}
            QUEUE_MAX_DEPTH_PER_CHAT=-4
            RETRY_MAX_ATTEMPTS=lots
            HTTP_ENDPOINT=somewhere
            ORLEANS_STORAGE=cassandra
            CHAT_ID_HASH_SALT=short-salt-99
            TELEGRAM_BOT_TOKNE=typo
            """);

        var (settings, problems) = Read(envFile);

        Assert.Null(settings);
        Assert.Equal(
            [
                "HTTP_ENDPOINT",
                "TELEGRAM_BOT_TOKEN",
                "PERSONA_MAP_FILE:personas.p.auth.token_env",
                "TELEGRAM_BOT_TOKNE",
                "QUEUE_MAX_DEPTH_PER_CHAT",
                "RETRY_MAX_ATTEMPTS",
                "ORLEANS_STORAGE",
                "REDIS_CONNECTION_STRING",
                "CHAT_ID_HASH_SALT",
                "TELEGRAM_BOT_TOKEN_ROTATED_AT",
            ],
            problems.Select(p => p.Key));
        Assert.Contains("did you mean TELEGRAM_BOT_TOKEN?", problems.Single(p => p.Key == "TELEGRAM_BOT_TOKNE").Hint);
        var text = string.Join("\n", problems);
        Assert.DoesNotContain("not-a-token-but-secret-123", text);
        Assert.DoesNotContain("short-salt-99", text);
    }

    [Fact]
    public void Without_ROUTER_ENV_nothing_starts()
    {
        var (settings, problems) = Read(null);

        Assert.Null(settings);
        Assert.Contains(problems, p => p.Key == "ROUTER_ENV" && p.Problem == "is not set");
    }

    [Fact]
    public void A_live_environment_collects_its_secrets_for_the_log_redactor()
    {
        var personas = File("personas.json", """{ "default_persona": "p", "personas": { "p": { "agent_url": "https://a/p", "auth": { "scheme": "bearer", "token_env": "A2A_TOKEN_P" } } } }""");

        var (settings, problems) = Read(null,
            ("ROUTER_ENV", "staging"), ("TELEGRAM_BOT_TOKEN", LiveToken), ("PERSONA_MAP_FILE", personas),
            ("A2A_TOKEN_P", "agent-secret-0001"), ("CHAT_ID_HASH_SALT", "0123456789abcdef0123"),
            ("TELEGRAM_BOT_TOKEN_ROTATED_AT", DateTimeOffset.UtcNow.AddDays(-10).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)),
            ("A2A_TOKEN_P_ROTATED_AT", DateTimeOffset.UtcNow.AddDays(-10).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)),
            ("REDIS_CONNECTION_STRING", "redis.internal:6379,password=redis-secret-77"),
            ("SILO_ADVERTISED_ADDRESS", "127.0.0.1"));

        Assert.Empty(problems);
        Assert.Equal(TransportMode.Live, settings!.Telegram.Mode);
        Assert.Equal(new Uri("https://api.telegram.org"), settings.Telegram.ApiBaseUrl);
        Assert.Contains(LiveToken, settings.Secrets);
        Assert.Contains("agent-secret-0001", settings.Secrets);
        Assert.Contains("0123456789abcdef0123", settings.Secrets);
        Assert.Contains("redis-secret-77", settings.Secrets);
        Assert.Equal((ClusteringMode.Redis, StorageMode.Redis), (settings.Cluster.Clustering, settings.Cluster.Storage));
    }

    [Theory]
    [InlineData("123:test-token", true)]
    [InlineData("123456789:AAE-live_token", true)]
    [InlineData("not-a-token", false)]
    [InlineData("123:", false)]
    [InlineData("abc:def", false)]
    public void The_live_token_is_checked_for_the_shape_Telegram_gives_it(string token, bool accepted)
    {
        var personas = File("personas.json", """{ "default_persona": "p", "personas": { "p": { "agent_url": "http://a/p" } } }""");

        var (settings, problems) = Read(null,
            ("ROUTER_ENV", "local"), ("TELEGRAM_TRANSPORT_MODE", "live"), ("TELEGRAM_BOT_TOKEN", token), ("PERSONA_MAP_FILE", personas));

        Assert.Equal(accepted, settings is not null);
        Assert.Equal(accepted, !problems.Any(p => p.Key == "TELEGRAM_BOT_TOKEN"));
    }
}
