using System.Text.Json;
using OrleansRouter.Agents;
using OrleansRouter.Agents.A2A;

namespace OrleansRouter.Tests.Agents;

/// <summary>Push routes name their chat sealed: only the router that made one can read it, and a changed one reads as nothing.</summary>
public sealed class PushAddressesTests
{
    private static readonly PushAddresses Addresses = new(new Uri("https://router.example/a2a/push/"), "a-salt-of-sixteen-or-more");

    [Theory]
    [InlineData(42L)]
    [InlineData(-1001234567890L)]
    [InlineData(long.MaxValue)]
    [InlineData(long.MinValue)]
    public void A_route_names_its_chat_under_the_base_url_without_showing_the_chat_id(long chatId)
    {
        var target = Addresses.For(chatId, "token");
        var route = target.Url.Segments[^1];

        Assert.StartsWith("https://router.example/a2a/push/", target.Url.AbsoluteUri, StringComparison.Ordinal);
        Assert.Equal(chatId, Addresses.ChatOf(route));
        Assert.DoesNotContain(Math.Abs(chatId % 1_000_000).ToString(System.Globalization.CultureInfo.InvariantCulture), route, StringComparison.Ordinal);
        Assert.NotEqual(route, Addresses.For(chatId, "token").Url.Segments[^1]);
    }

    [Fact]
    public void A_route_changed_in_any_character_or_made_with_another_secret_names_no_chat()
    {
        var route = Addresses.For(42, "token").Url.Segments[^1];
        var other = new PushAddresses(new Uri("https://router.example/a2a/push"), "another-salt-of-sixteen");

        Assert.Null(other.ChatOf(route));
        for (var i = 0; i < route.Length; i++)
        {
            var changed = route[..i] + (route[i] == 'A' ? 'B' : 'A') + route[(i + 1)..];
            Assert.Null(Addresses.ChatOf(changed));
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("42")]
    [InlineData("not base64url at all, and far too long to be a route anyway")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("%2e%2e%2f%2e%2e%2fetc%2fpasswd")]
    public void Anything_else_names_no_chat(string route) => Assert.Null(Addresses.ChatOf(route));

    [Fact]
    public void Tokens_are_long_random_and_url_safe()
    {
        var tokens = Enumerable.Range(0, 100).Select(_ => PushAddresses.NewToken()).ToList();

        Assert.Equal(100, tokens.Distinct().Count());
        Assert.All(tokens, t => Assert.Matches("^[A-Za-z0-9_-]{43}$", t));
    }

    [Theory]
    [InlineData("""{"task":{"id":"t1","contextId":"c","status":{"state":"TASK_STATE_COMPLETED"}}}""", "t1")]
    [InlineData("""{"statusUpdate":{"taskId":"t2","contextId":"c","status":{"state":"TASK_STATE_WORKING"}}}""", "t2")]
    [InlineData("""{"artifactUpdate":{"taskId":"t3","artifact":{"artifactId":"a","parts":[]}}}""", "t3")]
    [InlineData("""{"kind":"task","id":"t4","contextId":"c","status":{"state":"completed"}}""", "t4")]
    [InlineData("""{"kind":"status-update","taskId":"t5","status":{"state":"working"},"final":false}""", "t5")]
    [InlineData("""{"id":"t6","contextId":"c","status":{"state":"completed"}}""", "t6")]
    [InlineData("""{"message":{"messageId":"m","role":"ROLE_AGENT","parts":[]}}""", null)]
    [InlineData("""{"kind":"message","messageId":"m"}""", null)]
    [InlineData("""{"task":{"id":7}}""", null)]
    [InlineData("""{"id":"t8"}""", null)]
    [InlineData("""[{"kind":"task","id":"t9"}]""", null)]
    [InlineData("""{}""", null)]
    public void A_notification_names_its_task_in_either_dialect(string body, string? taskId)
    {
        using var json = JsonDocument.Parse(body);

        Assert.Equal(taskId, PushNotification.TaskIdOf(json.RootElement));
    }

    [Fact]
    public void A_task_id_that_is_not_utf8_names_no_task_and_an_answer_whose_text_is_not_is_no_crash()
    {
        static byte[] WithBadBytes(string before, string after) =>
            [.. System.Text.Encoding.UTF8.GetBytes(before), 0xC3, 0x28, 0xFF, .. System.Text.Encoding.UTF8.GetBytes(after)];
        using var notice = JsonDocument.Parse(WithBadBytes("{\"task\":{\"id\":\"", "\"}}"));
        using var answer = JsonDocument.Parse(WithBadBytes("{\"message\":{\"messageId\":\"m\",\"role\":\"ROLE_AGENT\",\"parts\":[{\"text\":\"", "\"}]}}"));

        Assert.Null(PushNotification.TaskIdOf(notice.RootElement));
        Assert.IsAssignableFrom<AgentOutcome>(A2AResultReader.Read(answer.RootElement));
    }
}
