using Microsoft.Extensions.DependencyInjection;
using OrleansRouter.Agents;
using OrleansRouter.Agents.A2A;
using OrleansRouter.Grains;
using OrleansRouter.Personas;
using OrleansRouter.Testing;
using OrleansRouter.Tests.Support;
using static OrleansRouter.Tests.Support.RouterCluster;

namespace OrleansRouter.Tests.Grains;

/// <summary>The chat's stream through the real A2A client, against a streaming A2A server on loopback.</summary>
public sealed class StreamingRealClientTests(StreamingCluster cluster) : IClassFixture<StreamingCluster>, IAsyncDisposable
{
    private readonly ServiceProvider _services = Agents.A2AClientTests.Services();

    public async ValueTask DisposeAsync() => await _services.DisposeAsync();

    [Fact]
    public async Task A_stop_ends_a_real_stream_at_once()
    {
        await using var agent = await A2ATestAgent.StartAsync("1.0");
        agent.Streams = true;
        agent.Steps = _ => A2ATestAgent.WordByWord(string.Join(' ', Enumerable.Range(1, 100).Select(i => $"w{i}")), TimeSpan.FromMilliseconds(200));
        var client = new A2AClient(_services.GetRequiredService<IHttpClientFactory>(), new A2AClientOptions(), TimeProvider.System);
        var persona = new Persona("echo", agent.BaseUrl, AgentAuth.None, null, "echo");
        cluster.Agent.Stream = request => client.StreamAsync(request with { Persona = persona }, CancellationToken.None);
        var chat = NewChatId();
        var grain = cluster.Grains.GetGrain<IChatGrain>(chat);

        await grain.AcceptAsync(Message(chat, "long"));
        await Eventually.HoldsAsync(() => cluster.Sender.Drafts.Any(d => d.ChatId == chat && d.Text.Length > 0), "a draft with text");
        var stopped = DateTimeOffset.UtcNow;
        await grain.AcceptAsync(Message(chat, "/cancel"));
        await Eventually.HoldsAsync(() => cluster.Sender.SentTo(chat).Count == 1, "the stopped answer");

        Assert.True(DateTimeOffset.UtcNow - stopped < TimeSpan.FromSeconds(3), $"stopped after {DateTimeOffset.UtcNow - stopped}");
    }
}
