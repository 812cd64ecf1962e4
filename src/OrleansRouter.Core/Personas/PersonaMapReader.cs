using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using OrleansRouter.Configuration;

namespace OrleansRouter.Personas;

/// <summary>
/// Reads the persona map JSON and reports every problem in it at once, each with its JSON path.
/// Unknown keys are errors: a typo in a rate window must not silently mean "unlimited".
/// </summary>
public sealed partial class PersonaMapReader
{
    /// <summary>The <c>agent_url</c> that names the router's own echo agent.</summary>
    public const string BuiltinEcho = "builtin:echo";

    /// <summary>
    /// The family <c>token_env</c> may name: <c>A2A_TOKEN_</c> and a name of capitals, digits and underscores. Any
    /// other variable (the bot token, the Redis connection string) would be read and sent to the agent.
    /// </summary>
    public const string TokenEnvPattern = "A2A_TOKEN_<NAME>";

    private static readonly string[] RootKeys = ["default_persona", "personas", "chats"];
    private static readonly string[] PersonaKeys = ["agent_url", "auth", "rate_window", "persona_tag", "selectable"];
    private static readonly string[] AuthKeys = ["scheme", "token_env", "header"];
    private static readonly string[] WindowKeys = ["window", "max_per_chat", "max_total"];

    private readonly string _source;
    private readonly Func<string, string?> _environment;
    private readonly Uri? _builtinEcho;
    private readonly bool _cleartextOffLoopback;
    private readonly List<ConfigProblem> _problems = [];

    /// <param name="source">The configuration key the map came from, prefixed to every problem.</param>
    /// <param name="environment">Looks up the credentials that <c>token_env</c> names.</param>
    /// <param name="builtinEcho">Where the built-in echo agent listens, for <c>builtin:echo</c>.</param>
    /// <param name="cleartextOffLoopback">
    /// Whether an <c>http://</c> agent off this machine is allowed (local only): elsewhere the credential and the
    /// user's text would cross the network in clear. <c>http://</c> to loopback (a sidecar) never leaves the machine.
    /// </param>
    public PersonaMapReader(string source, Func<string, string?> environment, Uri? builtinEcho, bool cleartextOffLoopback = true)
    {
        _source = source;
        _environment = environment;
        _builtinEcho = builtinEcho;
        _cleartextOffLoopback = cleartextOffLoopback;
    }

    public (PersonaMap? Map, IReadOnlyList<ConfigProblem> Problems) Read(string json)
    {
        _problems.Clear();
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            var map = ReadRoot(document.RootElement);
            return (_problems.Any(p => p.Severity == ProblemSeverity.Error) ? null : map, _problems.ToArray());
        }
        catch (JsonException e)
        {
            Report("", $"is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1})", "fix the JSON syntax");
            return (null, _problems.ToArray());
        }
    }

    private PersonaMap? ReadRoot(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            Report("", "must be a JSON object", "see the persona map schema in docs/configuration.md");
            return null;
        }

        RejectUnknownKeys(root, "", RootKeys);
        var defaultName = ReadString(root, "default_persona", "", required: true);
        var declared = DeclaredNames(root);
        var personas = ReadPersonas(root);
        var chats = ReadChats(root, declared);

        if (defaultName is not null && declared.Count > 0 && !declared.Contains(defaultName))
        {
            Report("default_persona", $"names '{defaultName}', which is not under personas", $"use one of: {string.Join(", ", declared)}");
        }

        if (defaultName is null || !personas.ContainsKey(defaultName))
        {
            return null;
        }

        return new PersonaMap(defaultName, personas.Values, chats);
    }

    private Dictionary<string, Persona> ReadPersonas(JsonElement root)
    {
        var personas = new Dictionary<string, Persona>(StringComparer.Ordinal);
        if (!root.TryGetProperty("personas", out var section) || section.ValueKind != JsonValueKind.Object)
        {
            Report("personas", "is missing or not an object", "add at least one persona");
            return personas;
        }

        foreach (var entry in section.EnumerateObject())
        {
            var path = $"personas.{entry.Name}";
            if (string.IsNullOrWhiteSpace(entry.Name) || entry.Name.Any(char.IsWhiteSpace))
            {
                Report(path, "is not a usable persona name", "use a name without spaces, such as 'assistant'");
                continue;
            }

            if (ReadPersona(entry.Name, entry.Value, path) is { } persona)
            {
                personas[entry.Name] = persona;
            }
        }

        if (section.EnumerateObject().Any() is false)
        {
            Report("personas", "is empty", "add at least one persona");
        }

        return personas;
    }

    private Persona? ReadPersona(string name, JsonElement element, string path)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            Report(path, "must be an object", "give it at least an agent_url");
            return null;
        }

        RejectUnknownKeys(element, path, PersonaKeys);
        var url = ReadAgentUrl(element, path);
        var auth = ReadAuth(element, path);
        var window = ReadRateWindow(element, path);
        var tag = ReadString(element, "persona_tag", path, required: false) ?? name;
        var selectable = ReadBoolean(element, "selectable", path) ?? true;

        return url is null || auth is null ? null : new Persona(name, url, auth, window, tag, selectable);
    }

    private Uri? ReadAgentUrl(JsonElement persona, string path)
    {
        var text = ReadString(persona, "agent_url", path, required: true);
        if (text is null)
        {
            return null;
        }

        if (text == BuiltinEcho)
        {
            if (_builtinEcho is null)
            {
                Report($"{path}.agent_url", "names the built-in echo agent, which is not available here", "point agent_url at a real A2A agent");
            }

            return _builtinEcho;
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            Report($"{path}.agent_url", $"'{text}' is not an http(s) URL", $"use the agent's base URL, e.g. https://agents.example.com/assistant, or {BuiltinEcho}");
            return null;
        }

        if (url.Scheme == Uri.UriSchemeHttp && !url.IsLoopback && !_cleartextOffLoopback)
        {
            Report($"{path}.agent_url", $"'{url.GetLeftPart(UriPartial.Authority)}' is plain http off this machine, where the agent's credential and the chats' text would travel in clear",
                "use the agent's https URL (plain http is for local, or for an agent on loopback)");
            return null;
        }

        return url;
    }

    private AgentAuth? ReadAuth(JsonElement persona, string path)
    {
        if (!persona.TryGetProperty("auth", out var auth))
        {
            return AgentAuth.None;
        }

        path += ".auth";
        if (auth.ValueKind != JsonValueKind.Object)
        {
            Report(path, "must be an object", "e.g. { \"scheme\": \"bearer\", \"token_env\": \"A2A_TOKEN_ASSISTANT\" }");
            return null;
        }

        RejectUnknownKeys(auth, path, AuthKeys);
        var scheme = ReadString(auth, "scheme", path, required: true);
        if (scheme == "none")
        {
            return AgentAuth.None;
        }

        if (scheme is not ("bearer" or "api_key"))
        {
            if (scheme is not null)
            {
                Report($"{path}.scheme", $"'{scheme}' is not a known scheme", "use none, bearer or api_key");
            }

            return null;
        }

        var tokenEnv = ReadString(auth, "token_env", path, required: true);
        if (tokenEnv is null)
        {
            return null;
        }

        // Checked before the variable is read, so no other variable's value is ever looked at.
        if (!TokenEnvShape().IsMatch(tokenEnv))
        {
            Report($"{path}.token_env", $"names {tokenEnv}, which is not an agent token: only {TokenEnvPattern} variables may be sent to an agent",
                $"keep the agent's credential in a variable of its own, e.g. A2A_TOKEN_{TokenSuffix(path)}, and name that");
            return null;
        }

        var credential = _environment(tokenEnv);
        if (string.IsNullOrEmpty(credential))
        {
            Report($"{path}.token_env", $"names {tokenEnv}, which is not set", $"set {tokenEnv} in the environment or the env file");
            return null;
        }

        if (scheme == "bearer")
        {
            return AgentAuth.Bearer(credential, tokenEnv);
        }

        var header = ReadString(auth, "header", path, required: false) ?? AgentAuth.DefaultApiKeyHeader;
        return AgentAuth.ApiKey(header, credential, tokenEnv);
    }

    private RateWindow? ReadRateWindow(JsonElement persona, string path)
    {
        if (!persona.TryGetProperty("rate_window", out var window))
        {
            return null;
        }

        path += ".rate_window";
        if (window.ValueKind != JsonValueKind.Object)
        {
            Report(path, "must be an object", "e.g. { \"window\": \"12h\", \"max_per_chat\": 200, \"max_total\": 5000 }");
            return null;
        }

        RejectUnknownKeys(window, path, WindowKeys);
        var length = ReadString(window, "window", path, required: true);
        var parsed = TimeSpan.Zero;
        if (length is not null && !RateWindow.TryParseWindow(length, out parsed))
        {
            Report($"{path}.window", $"'{length}' is not a window length", "use a number and a unit: 90s, 15m, 12h or 7d");
        }

        var perChat = ReadPositiveInt(window, "max_per_chat", path);
        var total = ReadPositiveInt(window, "max_total", path);
        return parsed > TimeSpan.Zero ? new RateWindow(parsed, perChat, total) : null;
    }

    private static List<string> DeclaredNames(JsonElement root) =>
        root.TryGetProperty("personas", out var section) && section.ValueKind == JsonValueKind.Object
            ? section.EnumerateObject().Select(p => p.Name).ToList()
            : [];

    private Dictionary<long, string> ReadChats(JsonElement root, List<string> declared)
    {
        var chats = new Dictionary<long, string>();
        if (!root.TryGetProperty("chats", out var section))
        {
            return chats;
        }

        if (section.ValueKind != JsonValueKind.Object)
        {
            Report("chats", "must be an object of chat id to persona name", "e.g. { \"-1001234567890\": \"assistant\" }");
            return chats;
        }

        foreach (var entry in section.EnumerateObject())
        {
            var path = $"chats.{entry.Name}";
            if (!long.TryParse(entry.Name, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var chatId) || chatId == 0)
            {
                Report(path, "is not a Telegram chat id", "use the numeric chat id, e.g. -1001234567890");
                continue;
            }

            if (entry.Value.ValueKind != JsonValueKind.String)
            {
                Report(path, "must be a persona name", "e.g. \"assistant\"");
                continue;
            }

            var persona = entry.Value.GetString()!;
            if (!declared.Contains(persona))
            {
                Report(path, $"names '{persona}', which is not under personas", "bind the chat to a persona that exists");
                continue;
            }

            chats[chatId] = persona;
        }

        return chats;
    }

    private string? ReadString(JsonElement element, string name, string path, bool required)
    {
        var key = Join(path, name);
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            if (required)
            {
                Report(key, "is missing", $"add \"{name}\"");
            }

            return null;
        }

        if (value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(value.GetString()))
        {
            Report(key, "must be a non-empty string", $"give \"{name}\" a text value");
            return null;
        }

        return value.GetString()!.Trim();
    }

    private bool? ReadBoolean(JsonElement element, string name, string path)
    {
        if (!element.TryGetProperty(name, out var value))
        {
            return null;
        }

        if (value.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            return value.GetBoolean();
        }

        Report(Join(path, name), "must be true or false", $"write \"{name}\": true");
        return null;
    }

    private int? ReadPositiveInt(JsonElement element, string name, string path)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) && number > 0)
        {
            return number;
        }

        Report(Join(path, name), "must be a whole number above zero", $"leave \"{name}\" out for no limit");
        return null;
    }

    private void RejectUnknownKeys(JsonElement element, string path, string[] known)
    {
        foreach (var property in element.EnumerateObject().Where(p => !known.Contains(p.Name)))
        {
            Report(Join(path, property.Name), "is not a known key", $"known keys here: {string.Join(", ", known)}");
        }
    }

    private void Report(string path, string problem, string hint) =>
        _problems.Add(new ConfigProblem(path.Length == 0 ? _source : $"{_source}:{path}", problem, hint));

    private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

    /// <summary>The persona's name as a variable suffix, for the hint: <c>personas.my-agent.auth</c> → <c>MY_AGENT</c>.</summary>
    private static string TokenSuffix(string authPath)
    {
        var name = authPath.Split('.').ElementAtOrDefault(1) ?? "PERSONA";
        var suffix = new string(name.ToUpperInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_').ToArray());
        return suffix.Length == 0 ? "PERSONA" : suffix;
    }

    /// <summary><c>A2A_TOKEN_</c> and capitals, digits, underscores; a rotation date (<c>*_ROTATED_AT</c>) is no token.</summary>
    [GeneratedRegex(@"^A2A_TOKEN_[A-Z0-9][A-Z0-9_]*\z(?<!_ROTATED_AT)")]
    private static partial Regex TokenEnvShape();
}
