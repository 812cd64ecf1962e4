using OrleansRouter.Configuration;
using OrleansRouter.Personas;

namespace OrleansRouter.Tests.Personas;

public sealed class PersonaMapReaderTests
{
    private static readonly Uri Echo = new("http://127.0.0.1:8080/agents/echo");

    private static (PersonaMap? Map, IReadOnlyList<ConfigProblem> Problems) Read(string json, params (string Key, string Value)[] environment) =>
        new PersonaMapReader("PERSONA_MAP_FILE", key => environment.FirstOrDefault(e => e.Key == key).Value, Echo).Read(json);

    [Fact]
    public void The_design_example_reads_with_its_credential_and_window()
    {
        var (map, problems) = Read("""
            {
              "default_persona": "assistant",
              "personas": {
                "assistant": {
                  "agent_url": "https://agents.example.com/assistant",
                  "auth": { "scheme": "bearer", "token_env": "A2A_TOKEN_ASSISTANT" },
                  "rate_window": { "window": "12h", "max_per_chat": 200, "max_total": 5000 },
                  "persona_tag": "asst"
                },
                "coder": { "agent_url": "builtin:echo", "auth": { "scheme": "api_key", "token_env": "A2A_TOKEN_CODER", "header": "X-Key" } }
              },
              "chats": { "-1001234567890": "assistant" }
            }
            """, ("A2A_TOKEN_ASSISTANT", "secret-value-1"), ("A2A_TOKEN_CODER", "secret-value-2"));

        Assert.Empty(problems);
        var assistant = map!.Default;
        Assert.Equal(("assistant", "asst"), (assistant.Name, assistant.Tag));
        Assert.Equal(new RateWindow(TimeSpan.FromHours(12), 200, 5000), assistant.RateWindow);
        Assert.Equal((AuthScheme.Bearer, "secret-value-1"), (assistant.Auth.Scheme, assistant.Auth.Credential));
        Assert.Equal(Echo, map.Find("coder")!.AgentUrl);
        Assert.Equal(("X-Key", "secret-value-2"), (map.Find("coder")!.Auth.Header, map.Find("coder")!.Auth.Credential));
        Assert.True(map.IsPinned(-1001234567890));
        Assert.Equal("assistant", map.Resolve(-1001234567890, chosen: "coder").Name);
        Assert.Equal("coder", map.Resolve(42, chosen: "coder").Name);
        Assert.DoesNotContain("secret-value", assistant.Auth.ToString());
    }

    [Fact]
    public void Every_problem_is_reported_at_once_with_its_path()
    {
        var (map, problems) = Read("""
            {
              "default_persona": "missing",
              "personas": {
                "a": { "agent_url": "ftp://nope", "auth": { "scheme": "bearer", "token_env": "A2A_TOKEN_A" },
                       "rate_window": { "window": "12x", "max_per_chat": 0 }, "colour": "red" }
              },
              "chats": { "not-a-number": "a", "42": "ghost" },
              "extra": true
            }
            """);

        Assert.Null(map);
        Assert.Equal(
            [
                "PERSONA_MAP_FILE:extra",
                "PERSONA_MAP_FILE:personas.a.colour",
                "PERSONA_MAP_FILE:personas.a.agent_url",
                "PERSONA_MAP_FILE:personas.a.auth.token_env",
                "PERSONA_MAP_FILE:personas.a.rate_window.window",
                "PERSONA_MAP_FILE:personas.a.rate_window.max_per_chat",
                "PERSONA_MAP_FILE:chats.not-a-number",
                "PERSONA_MAP_FILE:chats.42",
                "PERSONA_MAP_FILE:default_persona",
            ],
            problems.Select(p => p.Key));
    }

    [Theory]
    [InlineData("TELEGRAM_BOT_TOKEN")]
    [InlineData("REDIS_CONNECTION_STRING")]
    [InlineData("CHAT_ID_HASH_SALT")]
    [InlineData("PATH")]
    [InlineData("Q_AGENT_KEY")]
    [InlineData("A2A_TOKEN_")]
    [InlineData("a2a_token_p")]
    [InlineData("A2A_TOKEN_P_ROTATED_AT")]
    [InlineData("A2A_TOKEN_P-1")]
    public void A_token_env_outside_the_agent_token_family_is_refused_and_never_read(string name)
    {
        var read = new List<string>();
        var json = $$"""{ "default_persona": "p", "personas": { "p": { "agent_url": "https://agents.example.com/p", "auth": { "scheme": "bearer", "token_env": "{{name}}" } } } }""";

        var (map, problems) = new PersonaMapReader("PERSONA_MAP_FILE", key => { read.Add(key); return "the-value-of-" + key; }, Echo).Read(json);

        Assert.Null(map);
        var problem = Assert.Single(problems);
        Assert.Equal("PERSONA_MAP_FILE:personas.p.auth.token_env", problem.Key);
        Assert.Contains("A2A_TOKEN_<NAME>", problem.Problem, StringComparison.Ordinal);
        Assert.Contains("A2A_TOKEN_P", problem.Hint, StringComparison.Ordinal);
        Assert.Empty(read);
    }

    [Theory]
    [InlineData("A2A_TOKEN_P")]
    [InlineData("A2A_TOKEN_ASSISTANT_2")]
    [InlineData("A2A_TOKEN_9")]
    public void A_token_env_of_the_agent_token_family_is_read(string name)
    {
        var json = $$"""{ "default_persona": "p", "personas": { "p": { "agent_url": "https://agents.example.com/p", "auth": { "scheme": "bearer", "token_env": "{{name}}" } } } }""";

        var (map, problems) = Read(json, (name, "secret-value-3"));

        Assert.Empty(problems);
        Assert.Equal("secret-value-3", map!.Default.Auth.Credential);
    }

    [Theory]
    [InlineData("http://agents.example.com/p", false, false)]
    [InlineData("http://10.0.0.7:8000/p", false, false)]
    [InlineData("http://127.0.0.1:8000/p", false, true)]
    [InlineData("http://localhost:8000/p", false, true)]
    [InlineData("http://[::1]:8000/p", false, true)]
    [InlineData("https://agents.example.com/p", false, true)]
    [InlineData("http://agents.example.com/p", true, true)]
    public void Plain_http_to_an_agent_off_this_machine_is_refused_where_cleartext_is_not_allowed(string url, bool cleartextAllowed, bool accepted)
    {
        var json = $$"""{ "default_persona": "p", "personas": { "p": { "agent_url": "{{url}}", "auth": { "scheme": "bearer", "token_env": "A2A_TOKEN_P" } } } }""";

        var (map, problems) = new PersonaMapReader("PERSONA_MAP_FILE", _ => "secret-value-4", Echo, cleartextAllowed).Read(json);

        Assert.Equal(accepted, map is not null);
        Assert.Equal(accepted ? [] : ["PERSONA_MAP_FILE:personas.p.agent_url"], problems.Select(p => p.Key));
        Assert.All(problems, p => Assert.DoesNotContain("/p", p.Problem, StringComparison.Ordinal));
    }

    [Fact]
    public void The_builtin_echo_agent_is_not_plain_http_to_refuse()
    {
        var json = """{ "default_persona": "echo", "personas": { "echo": { "agent_url": "builtin:echo" } } }""";

        var (map, problems) = new PersonaMapReader("PERSONA_MAP_FILE", _ => null, Echo, cleartextOffLoopback: false).Read(json);

        Assert.Empty(problems);
        Assert.Equal(Echo, map!.Default.AgentUrl);
    }

    [Theory]
    [InlineData("90s", 90)]
    [InlineData("15m", 900)]
    [InlineData("12h", 43200)]
    [InlineData("7d", 604800)]
    public void Windows_read_in_seconds_minutes_hours_and_days(string text, int seconds)
    {
        Assert.True(RateWindow.TryParseWindow(text, out var window));
        Assert.Equal(TimeSpan.FromSeconds(seconds), window);
        Assert.Equal(text, RateWindow.FormatWindow(window));
    }

    [Theory]
    [InlineData("")]
    [InlineData("12")]
    [InlineData("h")]
    [InlineData("-5m")]
    [InlineData("0s")]
    [InlineData("1.5h")]
    [InlineData("400d")]
    public void Nonsense_windows_are_refused(string text)
    {
        Assert.False(RateWindow.TryParseWindow(text, out _));
    }

    [Fact]
    public void Invalid_json_is_one_problem_with_its_position()
    {
        var (map, problems) = Read("{ \"default_persona\": ");

        Assert.Null(map);
        Assert.Contains("not valid JSON", Assert.Single(problems).Problem);
    }
}
