using System.Text.Json.Nodes;
using OrleansRouter.Testing;
using OrleansRouter.Testing.Hostile;

namespace OrleansRouter.EndToEnd.Hostile;

/// <summary>
/// One router (live polling of a Bot API emulator) with a persona for each of some <see cref="AgentMisbehaviour"/>s, each
/// on a hostile agent of its own with a credential of its own, and a good persona on a well-behaved agent. Every
/// hostile agent points its card or redirects at one <see cref="CredentialRecorder"/>. Retries are few and quick,
/// so a failure notice comes within seconds.
/// </summary>
public abstract class HostileAgentsRun(IReadOnlyList<AgentMisbehaviour> misbehaviours) : IAsyncLifetime
{
    public const int RetryMaxAttempts = 2;
    public const int AgentTimeoutSeconds = 4;

    /// <summary>
    /// Two attempts of at most 4 s each, a retry delay under a second, the notice paced at one message a second:
    /// about 12 s. The deadline is four times that, for a loaded two-core machine.
    /// </summary>
    public static readonly TimeSpan AnswerDeadline = TimeSpan.FromSeconds(50);

    public const string GoodToken = "good-agent-token-5d4c3b2a19f8e7d6";

    private readonly string _directory = Directory.CreateTempSubdirectory("router-hostile-agents-").FullName;
    private readonly Dictionary<AgentMisbehaviour, HostileAgent> _agents = [];

    public BotApiEmulator Telegram { get; private set; } = null!;

    public CredentialRecorder Recorder { get; private set; } = null!;

    public A2ATestAgent Good { get; private set; } = null!;

    public RouterProcess Router { get; private set; } = null!;

    public long WarmBaseline { get; private set; }

    public IReadOnlyDictionary<AgentMisbehaviour, HostileAgent> Agents => _agents;

    /// <summary>The chat bound to the persona of <paramref name="misbehaviour"/>.</summary>
    public static long HostileChat(AgentMisbehaviour misbehaviour) => 555_000_000L + (int)misbehaviour * 7;

    /// <summary>Chats on the good persona, a few for each test.</summary>
    public static IReadOnlyList<long> GoodChats(AgentMisbehaviour misbehaviour) =>
        Enumerable.Range(0, 3).Select(i => 555_100_000L + (int)misbehaviour * 10 + i).ToList();

    public static string Token(AgentMisbehaviour misbehaviour) => $"hostile-token-{(int)misbehaviour}-{(int)misbehaviour * 7919:x8}-c0ffee";

    /// <summary>Every agent credential the router holds.</summary>
    public static IReadOnlyList<string> Tokens => [GoodToken, .. Enum.GetValues<AgentMisbehaviour>().Select(Token)];

    public async ValueTask InitializeAsync()
    {
        Telegram = await BotApiEmulator.StartAsync();
        Recorder = await CredentialRecorder.StartAsync();
        Good = await A2ATestAgent.StartAsync();
        Good.RequiredCredential = ("Authorization", $"Bearer {GoodToken}");
        foreach (var misbehaviour in misbehaviours)
        {
            _agents[misbehaviour] = (await HostileAgent.StartAsync()).Misbehave(misbehaviour, Recorder.BaseUrl);
        }

        // Not /healthz: the persona whose card points elsewhere is refused, so the router is rightly never "ready".
        Router = RouterProcess.Start(Environment());
        await Router.WaitForLiveAsync();

        // Warm: a reply on the good persona, then the settled memory every test compares with.
        var chat = GoodChats(misbehaviours[0])[0] + 5;
        Telegram.Post(chat, "warm up");
        await Telegram.WaitUntilAsync(t => t.SentTo(chat).Count >= 1, TimeSpan.FromSeconds(60), "the warm-up reply");
        WarmBaseline = await ResidentMemory.SettledAsync(Router);
    }

    public async ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        await Router.DisposeAsync();
        foreach (var agent in _agents.Values)
        {
            await agent.DisposeAsync();
        }

        await Good.DisposeAsync();
        await Recorder.DisposeAsync();
        await Telegram.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private Dictionary<string, string> Environment()
    {
        var personas = new JsonObject
        {
            ["good"] = new JsonObject
            {
                ["agent_url"] = Good.BaseUrl.AbsoluteUri,
                ["auth"] = new JsonObject { ["scheme"] = "bearer", ["token_env"] = "A2A_TOKEN_GOOD" },
            },
        };
        var chats = new JsonObject();
        var environment = new Dictionary<string, string>
        {
            ["ROUTER_ENV"] = "local",
            ["TELEGRAM_TRANSPORT_MODE"] = "live",
            ["TELEGRAM_API_BASE_URL"] = Telegram.BaseUrl.AbsoluteUri,
            ["TELEGRAM_BOT_TOKEN"] = Telegram.Token,
            ["A2A_TOKEN_GOOD"] = GoodToken,
            ["CHAT_ID_HASH_SALT"] = "hostile-agents-salt-0f1e2d3c4b5a",
            ["RETRY_MAX_ATTEMPTS"] = RetryMaxAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["RETRY_BASE_DELAY_MS"] = "200",
            ["RETRY_MAX_DELAY_MS"] = "800",
            ["A2A_TIMEOUT_SECONDS"] = AgentTimeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["HEALTH_PROBE_SECONDS"] = "2",
            ["DASHBOARD_ENDPOINT"] = "off",
            ["LOG_LEVEL"] = "Debug",
        };
        foreach (var (misbehaviour, agent) in _agents)
        {
            var name = $"hostile{(int)misbehaviour}";
            var tokenEnv = $"A2A_TOKEN_HOSTILE{(int)misbehaviour}";

            // The redirect carries a custom API-key header: .NET drops Authorization on a redirect by itself, not those.
            personas[name] = new JsonObject
            {
                ["agent_url"] = agent.BaseUrl.AbsoluteUri,
                ["auth"] = misbehaviour == AgentMisbehaviour.RedirectsElsewhere
                    ? new JsonObject { ["scheme"] = "api_key", ["token_env"] = tokenEnv, ["header"] = "X-Api-Key" }
                    : new JsonObject { ["scheme"] = "bearer", ["token_env"] = tokenEnv },
            };
            chats[HostileChat(misbehaviour).ToString(System.Globalization.CultureInfo.InvariantCulture)] = name;
            environment[tokenEnv] = Token(misbehaviour);
        }

        var file = Path.Combine(_directory, "personas.json");
        File.WriteAllText(file, new JsonObject { ["default_persona"] = "good", ["personas"] = personas, ["chats"] = chats }.ToJsonString());
        environment["PERSONA_MAP_FILE"] = file;
        return environment;
    }
}

/// <summary>Every misbehaviour but the 4 MiB reply, on one router.</summary>
public sealed class MisbehavingAgentsRun() : HostileAgentsRun(Enum.GetValues<AgentMisbehaviour>().Where(m => m != AgentMisbehaviour.FourMiBReply).ToList());

/// <summary>The 4 MiB reply, on a router of its own: uncapped, it keeps the router busy (and big) for many minutes.</summary>
public sealed class HugeReplyAgentRun() : HostileAgentsRun([AgentMisbehaviour.FourMiBReply]);
