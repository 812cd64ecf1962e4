using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using OrleansRouter.Testing;

namespace OrleansRouter.EndToEnd;

/// <summary><c>LOG_FORWARD</c>: the JSON log lines reach a TCP or UDP drain with the drain token; a drain that is down costs lines, never the router.</summary>
public sealed class LogForwardingTests
{
    private const string DrainToken = "drain-token-e2e-0042";
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    private static Dictionary<string, string> Local(string forward) => new()
    {
        ["ROUTER_ENV"] = "local",
        ["LOG_FORWARD"] = forward,
        ["LOG_DRAIN_TOKEN"] = DrainToken,
    };

    [Fact]
    public async Task Lines_reach_a_TCP_drain_with_the_token_ahead_of_each()
    {
        using var drain = new TcpListener(IPAddress.Loopback, 0);
        drain.Start();
        await using var router = RouterProcess.Start(Local($"tcp://127.0.0.1:{((IPEndPoint)drain.LocalEndpoint).Port}"));
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(90));

        using var connection = await drain.AcceptTcpClientAsync(cancel.Token);
        using var reader = new StreamReader(connection.GetStream(), Encoding.UTF8);
        var events = new List<string>();
        while (!events.Contains("deploy.audit"))
        {
            var line = await reader.ReadLineAsync(cancel.Token) ?? throw new EndOfStreamException("the router closed the drain connection");
            events.Add(Event(line));
        }

        Assert.Contains("router.starting", events);
        var health = await router.WaitForHealthyAsync();
        Assert.True(health["logging"]!["connected"]!.GetValue<bool>());
        Assert.True(health["logging"]!["sent"]!.GetValue<long>() >= events.Count);
        Assert.DoesNotContain(DrainToken, router.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lines_reach_a_UDP_drain_one_datagram_each()
    {
        using var drain = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        await using var router = RouterProcess.Start(Local($"udp://127.0.0.1:{((IPEndPoint)drain.Client.LocalEndPoint!).Port}"));
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(90));

        var events = new List<string>();
        while (!events.Contains("deploy.audit"))
        {
            var datagram = await drain.ReceiveAsync(cancel.Token);
            events.Add(Event(Encoding.UTF8.GetString(datagram.Buffer).TrimEnd('\n')));
        }

        Assert.Contains("router.starting", events);
        await router.WaitForHealthyAsync();
    }

    [Fact]
    public async Task A_line_too_large_for_a_datagram_arrives_cut_and_the_lines_after_it_still_arrive()
    {
        using var drain = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var environment = Local($"udp://127.0.0.1:{((IPEndPoint)drain.Client.LocalEndPoint!).Port}");

        // deploy.audit logs every SECRET_VERSION_*: this one makes its line about 80,000 bytes, two-byte characters all.
        environment["SECRET_VERSION_HUGE"] = new string('é', 40_000);
        await using var router = RouterProcess.Start(environment);
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(90));

        var strict = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
        string? cut = null;
        var events = new List<string>();
        while (!events.Contains("router.ready"))
        {
            var datagram = await drain.ReceiveAsync(cancel.Token);
            var line = strict.GetString(datagram.Buffer).TrimEnd('\n');
            if (line.Contains("deploy.audit", StringComparison.Ordinal))
            {
                Assert.True(datagram.Buffer.Length <= 65_000, $"{datagram.Buffer.Length} bytes");
                cut = line;
                events.Add("deploy.audit");
                continue;
            }

            events.Add(Event(line));
        }

        Assert.NotNull(cut);
        Assert.StartsWith(DrainToken + " {", cut, StringComparison.Ordinal);
        Assert.EndsWith("[truncated]", cut, StringComparison.Ordinal);
        var health = await router.WaitForHealthyAsync();
        Assert.Equal(1, health["logging"]!["truncated"]!.GetValue<long>());
    }

    [Fact]
    public async Task A_drain_that_is_down_drops_counted_lines_and_the_router_answers_every_message()
    {
        var environment = Local($"tcp://127.0.0.1:{FreePort.Next()}");
        environment["LOG_LEVEL"] = "Debug";
        environment["TELEGRAM_SENDS_PER_SECOND"] = "1000";
        environment["TELEGRAM_CHAT_SENDS_PER_SECOND"] = "100";
        await using var router = RouterProcess.Start(environment);
        await router.WaitForHealthyAsync();

        // Enough traffic, logged at Debug (about three lines a message), to fill the 10,000-line buffer the drain never empties.
        var chats = Traffic.Chats(200);
        const int PerChat = 20;
        await Traffic.PostAsync(chats, PerChat, async (chat, text) =>
        {
            using var response = await Http.PostAsJsonAsync(new Uri(router.HttpUrl, $"/stub/chats/{chat}/messages"), new { text });
            response.EnsureSuccessStatusCode();
        });

        var answered = 0;
        await Traffic.WaitUntilAsync(
            async () =>
            {
                answered = 0;
                foreach (var chat in chats)
                {
                    var transcript = await Http.GetFromJsonAsync<JsonObject>(new Uri(router.HttpUrl, $"/stub/chats/{chat}/transcript"));
                    answered += transcript!["messages"]!.AsArray().Count(m => m!["from"]!.GetValue<string>() == "bot");
                }

                return answered == chats.Count * PerChat;
            },
            TimeSpan.FromSeconds(180),
            () => $"{answered} of {chats.Count * PerChat} answered");

        await Traffic.WaitUntilAsync(async () => router.EventsNamed("log.forward_dropped").Any(), TimeSpan.FromSeconds(60), () => "no log.forward_dropped event");
        var (status, health) = await router.HealthAsync();
        Assert.Equal(200, status);
        Assert.False(health!["logging"]!["connected"]!.GetValue<bool>());
        Assert.Equal(0, health["logging"]!["sent"]!.GetValue<long>());
        Assert.True(health["logging"]!["dropped"]!.GetValue<long>() > 0);
        Assert.True(router.EventsNamed("log.forward_dropped").First()["dropped"]!.GetValue<long>() > 0);
    }

    /// <summary>The event of one forwarded line, which must be the token, a space and a JSON log event.</summary>
    private static string Event(string line)
    {
        Assert.StartsWith(DrainToken + " {", line, StringComparison.Ordinal);
        return JsonNode.Parse(line[(DrainToken.Length + 1)..])!["event"]?.GetValue<string>() ?? "";
    }
}
