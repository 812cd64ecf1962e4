using System.Diagnostics;
using System.Text.Json.Nodes;
using OrleansRouter.Testing;
using OrleansRouter.Testing.Hostile;

namespace OrleansRouter.EndToEnd.Hostile;

/// <summary>
/// One run of the webhook corpus against one router (webhook ingress, live transport to a Bot API emulator, an A2A
/// agent that wants a bearer token): a warm-up slice, the settled memory, the rest of the corpus, every genuine
/// message answered, the settled memory again. The tests of <see cref="Webhook_bodies_that_are_forged_or_malformed"/>
/// each check one thing about it.
/// </summary>
public sealed class WebhookCorpusRun : IAsyncLifetime
{
    public const int Seed = 20261202;
    public const int HostilePosts = 10_000;
    public const int Chats = 20;
    public const int GenuinePerChat = 10;
    public const int WarmUpPosts = WebhookCorpus.WarmUpSpan;
    public const int Concurrency = 8;
    public static readonly TimeSpan SendingBound = TimeSpan.FromSeconds(150);

    public const string WebhookSecret = "corpus-webhook-secret-7f3a9c1e5b2d4f6a8c0e";
    public const string AgentToken = "corpus-agent-token-9e8d7c6b5a4f3e2d1c0b";
    public const string ChatIdSalt = "corpus-chat-salt-1a2b3c4d5e6f7a8b";

    private readonly string _directory = Directory.CreateTempSubdirectory("router-corpus-").FullName;

    public BotApiEmulator Telegram { get; private set; } = null!;

    public A2ATestAgent Agent { get; private set; } = null!;

    public RouterProcess Router { get; private set; } = null!;

    public WebhookCorpus Corpus { get; private set; } = null!;

    public IReadOnlyList<long> ChatIds { get; } = Traffic.Chats(Chats);

    public List<WebhookAnswer> Answers { get; } = [];

    public IReadOnlyList<(DateTimeOffset At, int Status)> UnhealthyAnswers { get; private set; } = [];

    public int HealthChecks { get; private set; }

    public long WarmBaseline { get; private set; }

    public long After { get; private set; }

    public List<WebhookAnswer> SecondPass { get; } = [];

    public long AfterSecondPass { get; private set; }

    public TimeSpan SendingTook { get; private set; }

    /// <summary>Every secret the router was given; the bot token also without its public bot id.</summary>
    public IReadOnlyList<string> Secrets => [WebhookSecret, AgentToken, ChatIdSalt, Telegram.Token, Telegram.Token.Split(':')[1]];

    public async ValueTask InitializeAsync()
    {
        Corpus = WebhookCorpus.Generate(Seed, WebhookSecret, ChatIds, HostilePosts, GenuinePerChat);
        Telegram = await BotApiEmulator.StartAsync();
        Agent = await A2ATestAgent.StartAsync();
        Agent.RequiredCredential = ("Authorization", $"Bearer {AgentToken}");
        Agent.Answer = call => new AgentAnswer.Result(Agent.MessageResult(
            WebhookCorpus.LabelOf(call.Text) is { } label ? $"answer {label}" : "answer to something that is not genuine", call.ContextId ?? "corpus"));

        var port = FreePort.Next();
        var webhook = new Uri($"http://127.0.0.1:{port}/telegram/hook");
        Router = RouterProcess.Start(Environment(port, webhook));
        await Router.WaitForHealthyAsync();
        await Telegram.WaitUntilAsync(t => t.Webhook is not null, TimeSpan.FromSeconds(30), "setWebhook");

        await using var health = HealthWatch.Start(Router);
        using var flood = new WebhookFlood(webhook, Concurrency);
        using var bound = new CancellationTokenSource(SendingBound);
        var clock = Stopwatch.StartNew();

        Answers.AddRange(await flood.SendAsync(Corpus.Posts.Take(WarmUpPosts), bound.Token));
        await WaitForRepliesAsync(Answers.Count(a => a.Post.Genuine is not null));
        WarmBaseline = await ResidentMemory.SettledAsync(Router);

        Answers.AddRange(await flood.SendAsync(Corpus.Posts.Skip(WarmUpPosts), bound.Token));
        SendingTook = clock.Elapsed;
        await WaitForRepliesAsync(Corpus.Genuine.Count);
        After = await ResidentMemory.SettledAsync(Router);

        // The bad posts once more: what a second pass adds is what the router keeps per post.
        SecondPass.AddRange(await flood.SendAsync(Corpus.Posts.Skip(WarmUpPosts).Where(p => p.Genuine is null), bound.Token));
        AfterSecondPass = await ResidentMemory.SettledAsync(Router);
        HealthChecks = health.Asked;
        UnhealthyAnswers = await health.StopAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Router.DisposeAsync();
        await Agent.DisposeAsync();
        await Telegram.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private Task WaitForRepliesAsync(int count) =>
        Telegram.WaitUntilAsync(t => t.SentCount >= count, TimeSpan.FromSeconds(90), $"{count} replies to genuine updates");

    private Dictionary<string, string> Environment(int port, Uri webhook)
    {
        var personas = Path.Combine(_directory, "personas.json");
        File.WriteAllText(personas, new JsonObject
        {
            ["default_persona"] = "tester",
            ["personas"] = new JsonObject
            {
                ["tester"] = new JsonObject
                {
                    ["agent_url"] = Agent.BaseUrl.AbsoluteUri,
                    ["auth"] = new JsonObject { ["scheme"] = "bearer", ["token_env"] = "A2A_TOKEN_TESTER" },
                },
            },
        }.ToJsonString());
        return new Dictionary<string, string>
        {
            ["ROUTER_ENV"] = "local",
            ["HTTP_ENDPOINT"] = $"127.0.0.1:{port}",
            ["TELEGRAM_TRANSPORT_MODE"] = "live",
            ["TELEGRAM_API_BASE_URL"] = Telegram.BaseUrl.AbsoluteUri,
            ["TELEGRAM_BOT_TOKEN"] = Telegram.Token,
            ["TELEGRAM_INGRESS"] = "webhook",
            ["TELEGRAM_WEBHOOK_URL"] = webhook.AbsoluteUri,
            ["TELEGRAM_WEBHOOK_SECRET"] = WebhookSecret,
            ["PERSONA_MAP_FILE"] = personas,
            ["A2A_TOKEN_TESTER"] = AgentToken,
            ["CHAT_ID_HASH_SALT"] = ChatIdSalt,
            ["ORLEANS_CLUSTERING"] = "localhost",
            ["ORLEANS_STORAGE"] = "memory",
            ["HEALTH_PROBE_SECONDS"] = "2",
            ["TELEGRAM_SENDS_PER_SECOND"] = "1000",
            ["TELEGRAM_CHAT_SENDS_PER_SECOND"] = "100",
            ["DASHBOARD_ENDPOINT"] = "off",

            // Everything a silo can print: message texts and bodies at Debug are where a secret would leak.
            ["LOG_LEVEL"] = "Debug",
        };
    }
}
