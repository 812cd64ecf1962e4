using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OrleansRouter.Chats;
using OrleansRouter.Telegram;
using OrleansRouter.Telegram.Sending;
using OrleansRouter.Testing;

namespace OrleansRouter.Tests.Telegram;

/// <summary>getMe and getChatMember through the real Telegram.Bot client, against the Bot API emulator.</summary>
public sealed class TelegramChatMembersTests : IAsyncLifetime
{
    private const long Group = -100_555;
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private BotApiEmulator _emulator = null!;
    private ServiceProvider _services = null!;
    private int _asked;

    private IChatMembers Members => _services.GetRequiredService<IChatMembers>();

    public async ValueTask InitializeAsync()
    {
        _emulator = await BotApiEmulator.StartAsync();
        _emulator.Fault = (method, parameters) =>
        {
            if (method != "getChatMember")
            {
                return null;
            }

            Interlocked.Increment(ref _asked);
            var user = long.Parse(parameters["user_id"]!.ToString(), System.Globalization.CultureInfo.InvariantCulture);
            return user switch
            {
                1 => BotApiEmulator.Ok(Member(user, "creator", anonymous: false)),
                2 => BotApiEmulator.Ok(Member(user, "member")),
                3 => BotApiEmulator.Error(400, "Bad Request: user not found"),
                _ => BotApiEmulator.Error(502, "Bad Gateway"),
            };
        };
        _services = new ServiceCollection()
            .AddSingleton<TimeProvider>(_clock)
            .AddSingleton<OrleansRouter.Queues.QueueGauge>()
            .AddSingleton<OrleansRouter.Telemetry.RouterMetrics>()
            .AddTelegramBot(_emulator.Token, _emulator.BaseUrl, new SendPacing(1000, 1000, 1000))
            .BuildServiceProvider();
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        await _emulator.DisposeAsync();
    }

    private static JsonObject Member(long user, string status, bool? anonymous = null)
    {
        var member = new JsonObject { ["status"] = status, ["user"] = new JsonObject { ["id"] = user, ["is_bot"] = false, ["first_name"] = "U" } };
        if (anonymous is { } value)
        {
            member["is_anonymous"] = value;
        }

        return member;
    }

    [Fact]
    public async Task The_bots_username_comes_from_getMe()
    {
        Assert.Equal("emulated_bot", await Members.BotUsernameAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Creators_are_admins_members_and_strangers_are_not_and_a_bot_api_failure_is_unknown()
    {
        Assert.True(await Members.IsAdminAsync(Group, 1, CancellationToken.None));
        Assert.False(await Members.IsAdminAsync(Group, 2, CancellationToken.None));
        Assert.False(await Members.IsAdminAsync(Group, 3, CancellationToken.None));
        Assert.Null(await Members.IsAdminAsync(Group, 4, CancellationToken.None));
    }

    [Fact]
    public async Task An_answer_is_kept_for_a_minute_and_asked_again_after()
    {
        await Members.IsAdminAsync(Group, 1, CancellationToken.None);
        await Members.IsAdminAsync(Group, 1, CancellationToken.None);
        Assert.Equal(1, _asked);

        _clock.Advance(OrleansRouter.Telegram.Members.TelegramChatMembers.AnswerLifetime);
        await Members.IsAdminAsync(Group, 1, CancellationToken.None);
        Assert.Equal(2, _asked);
    }
}
