using OrleansRouter.Agents.Echo;
using OrleansRouter.Personas;

namespace OrleansRouter.Host.Configuration;

/// <summary>The persona map: the file <c>PERSONA_MAP_FILE</c> names, or in local the one persona on the echo agent.</summary>
public static class PersonaSettingsReader
{
    /// <summary>The persona map <c>local</c> uses when <c>PERSONA_MAP_FILE</c> is not set: everything goes to the echo agent.</summary>
    public const string LocalPersonaMap = """
        {
          "default_persona": "echo",
          "personas": {
            "echo": { "agent_url": "builtin:echo", "persona_tag": "echo" }
          }
        }
        """;

    /// <returns>The map, or null when it is invalid; its text whenever the file could be read, for the manifest.</returns>
    public static (PersonaSettings? Personas, string? Text) Read(ConfigValues values, HttpEndpoint? http)
    {
        var json = ReadText(values);
        if (json is null)
        {
            return (null, null);
        }

        var echoUrl = http is null || !values.IsLocal ? null : new Uri(http.SelfUrl, EchoAgentEndpoints.Path);
        var (map, problems) = new PersonaMapReader(ConfigKeys.PersonaMapFile, key => values[key], echoUrl, cleartextOffLoopback: values.IsLocal).Read(json);
        values.AddRange(problems);
        if (map is null)
        {
            return (null, json);
        }

        var tokenKeys = map.All.Select(p => p.Auth.CredentialKey).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        return (new PersonaSettings(map, map.All.Any(p => p.AgentUrl == echoUrl), tokenKeys), json);
    }

    private static string? ReadText(ConfigValues values)
    {
        var path = values[ConfigKeys.PersonaMapFile];
        if (path is null)
        {
            if (!values.IsLocal)
            {
                values.Report(ConfigKeys.PersonaMapFile, "is not set", "point it at the persona map JSON file");
                return null;
            }

            return LocalPersonaMap;
        }

        var full = values.Layers.ResolvePath(ConfigKeys.PersonaMapFile, path);
        if (!File.Exists(full))
        {
            values.Report(ConfigKeys.PersonaMapFile, $"{full} does not exist", "point it at the persona map JSON file");
            return null;
        }

        return File.ReadAllText(full);
    }
}
