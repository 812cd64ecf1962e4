using System.Text.Json.Nodes;

namespace OrleansRouter.Testing;

/// <summary>The environment of a local router on the live transport: the real Telegram.Bot client against a Bot API emulator, one persona.</summary>
public static class LiveRouterEnvironment
{
    /// <summary>Writes a persona map with the one persona <c>tester</c> into <paramref name="directory"/> and returns the environment that uses it.</summary>
    public static Dictionary<string, string> For(BotApiEmulator telegram, string directory, JsonObject tester) =>
        Using(telegram, WritePersonas(directory, tester));

    /// <summary>Writes a persona map with the one persona <c>tester</c> into <paramref name="directory"/>; returns its path.</summary>
    public static string WritePersonas(string directory, JsonObject tester)
    {
        var personas = Path.Combine(directory, "personas.json");
        File.WriteAllText(personas, new JsonObject
        {
            ["default_persona"] = "tester",
            ["personas"] = new JsonObject { ["tester"] = tester },
        }.ToJsonString());
        return personas;
    }

    /// <summary>The environment of a router polling <paramref name="telegram"/> with the persona map at <paramref name="personas"/>.</summary>
    public static Dictionary<string, string> Using(BotApiEmulator telegram, string personas) => new()
    {
        ["ROUTER_ENV"] = "local",
        ["TELEGRAM_TRANSPORT_MODE"] = "live",
        ["TELEGRAM_API_BASE_URL"] = telegram.BaseUrl.AbsoluteUri,
        ["TELEGRAM_BOT_TOKEN"] = telegram.Token,
        ["PERSONA_MAP_FILE"] = personas,
    };
}
