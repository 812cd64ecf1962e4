using System.Text.Json.Nodes;
using OrleansRouter.Testing;
using OrleansRouter.Testing.Hostile;

namespace OrleansRouter.EndToEnd.Hostile;

/// <summary>
/// One router in live transport, polling through a <see cref="HostileBotApi"/> in front of a Bot API emulator, with
/// an agent that takes a second to answer (so that replies fall into a bad spell). Sends are retried often enough
/// to outlast a spell of a few seconds.
/// </summary>
public sealed class HostileBotApiRun : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("router-hostile-botapi-").FullName;

    public BotApiEmulator Telegram { get; private set; } = null!;

    public HostileBotApi Api { get; private set; } = null!;

    public A2ATestAgent Agent { get; private set; } = null!;

    public RouterProcess Router { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Telegram = await BotApiEmulator.StartAsync();
        Api = await HostileBotApi.StartAsync(Telegram);
        Agent = await A2ATestAgent.StartAsync();
        Agent.Answer = call => new AgentAnswer.Slow(TimeSpan.FromSeconds(1), new AgentAnswer.Result(Agent.MessageResult($"reply: {call.Text}", call.ContextId ?? "c")));

        var personas = Path.Combine(_directory, "personas.json");
        File.WriteAllText(personas, new JsonObject
        {
            ["default_persona"] = "tester",
            ["personas"] = new JsonObject { ["tester"] = new JsonObject { ["agent_url"] = Agent.BaseUrl.AbsoluteUri } },
        }.ToJsonString());
        Router = RouterProcess.Start(new Dictionary<string, string>
        {
            ["ROUTER_ENV"] = "local",
            ["TELEGRAM_TRANSPORT_MODE"] = "live",
            ["TELEGRAM_API_BASE_URL"] = Api.BaseUrl.AbsoluteUri,
            ["TELEGRAM_BOT_TOKEN"] = Telegram.Token,
            ["PERSONA_MAP_FILE"] = personas,
            ["CHAT_ID_HASH_SALT"] = "hostile-botapi-salt-9a8b7c6d5e4f",
            ["RETRY_MAX_ATTEMPTS"] = "30",
            ["RETRY_BASE_DELAY_MS"] = "500",
            ["RETRY_MAX_DELAY_MS"] = "2000",
            ["HEALTH_PROBE_SECONDS"] = "2",
            ["DASHBOARD_ENDPOINT"] = "off",
            ["LOG_LEVEL"] = "Debug",
        });
        await Router.WaitForHealthyAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Router.DisposeAsync();
        await Agent.DisposeAsync();
        await Api.DisposeAsync();
        await Telegram.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }
}
