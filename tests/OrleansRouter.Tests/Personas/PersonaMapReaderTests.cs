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
