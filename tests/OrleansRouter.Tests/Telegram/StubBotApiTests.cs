using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using OrleansRouter.Chats;
using OrleansRouter.Telegram;
using OrleansRouter.Telegram.Sending;
using OrleansRouter.Telegram.Stub;
using OrleansRouter.Testing;

namespace OrleansRouter.Tests.Telegram;

/// <summary>The embedded stub Bot API over real HTTP, as the router's own Telegram.Bot client reads it.</summary>
public sealed class StubBotApiTests : IAsyncLifetime
{
    private const long Group = -4_300_001;
    private WebApplication _app = null!;
    private ServiceProvider _client = null!;
    private Uri _url = null!;

    public async ValueTask InitializeAsync()
    {
        _url = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(_url.ToString());
        builder.Services.AddSingleton(new StubBotApi(StubBotApi.DefaultToken, TimeProvider.System));
        _app = builder.Build();
        _app.MapStubBotApi();
        await _app.StartAsync();
        _client = new ServiceCollection()
            .AddSingleton(TimeProvider.System)
            .AddSingleton<OrleansRouter.Queues.QueueGauge>()
            .AddSingleton<OrleansRouter.Telemetry.RouterMetrics>()
            .AddTelegramBot(StubBotApi.DefaultToken, _url, new SendPacing(1000, 1000, 1000))
            .BuildServiceProvider();
    }

    public async ValueTask DisposeAsync()
    {
        await _client.DisposeAsync();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task GetChatMember_says_the_groups_creator_is_an_admin_and_another_sender_is_not()
    {
        using var http = new HttpClient { BaseAddress = _url };
        (await http.PostAsJsonAsync($"/stub/chats/{Group}/messages", new { text = "/reset" }, TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();
        (await http.PostAsJsonAsync($"/stub/chats/{Group}/messages", new { text = "/reset", from_id = 99 }, TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();
        var members = _client.GetRequiredService<IChatMembers>();

        Assert.Equal("orleans_router_stub_bot", await members.BotUsernameAsync(CancellationToken.None));
        Assert.True(await members.IsAdminAsync(Group, StubBotApi.GroupMemberId, CancellationToken.None));
        Assert.False(await members.IsAdminAsync(Group, 99, CancellationToken.None));
    }
}
