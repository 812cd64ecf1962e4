using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using OrleansRouter.Agents;
using OrleansRouter.Chats;
using OrleansRouter.Telegram;
using OrleansRouter.Telegram.Sending;
using OrleansRouter.Testing;

namespace OrleansRouter.Tests.Telegram;

/// <summary>The real Telegram.Bot client, configured as the router configures it, against the Bot API emulator.</summary>
public sealed class TelegramSenderTests : IAsyncLifetime
{
    private BotApiEmulator _emulator = null!;
    private ServiceProvider _services = null!;
    private readonly long _chat = 555;

    private IChatSender Sender => _services.GetRequiredService<IChatSender>();

    public async ValueTask InitializeAsync()
    {
        _emulator = await BotApiEmulator.StartAsync();
        _services = new ServiceCollection()
            .AddSingleton(TimeProvider.System)
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

    [Fact]
    public async Task A_delivered_message_reports_its_message_id()
    {
        var outcome = await Sender.SendTextAsync(_chat, "hi there", replyTo: 7, null, CancellationToken.None);

        var sent = Assert.Single(_emulator.SentTo(_chat));
        Assert.Equal(new SendDelivered(sent.MessageId), outcome);
        Assert.Equal(("hi there", 7), (sent.Text, sent.ReplyTo));
    }

    [Fact]
    public async Task A_429_comes_back_at_once_with_retry_after_instead_of_being_slept_on()
    {
        var calls = 0;
        _emulator.Fault = (method, _) => method == "sendMessage" && Interlocked.Increment(ref calls) > 0
            ? BotApiEmulator.Error(429, "Too Many Requests: retry after 3", new JsonObject { ["retry_after"] = 3 })
            : null;

        var outcome = await Sender.SendTextAsync(_chat, "too fast", null, null, CancellationToken.None);

        var failed = Assert.IsType<SendFailed>(outcome);
        Assert.Equal((FailureClass.Transient, TimeSpan.FromSeconds(3)), (failed.Class, failed.RetryAfter));
        Assert.Equal(1, calls);
    }

    [Theory]
    [InlineData(400, "Bad Request: message is too long", FailureClass.Fatal)]
    [InlineData(403, "Forbidden: bot was blocked by the user", FailureClass.Fatal)]
    [InlineData(500, "Internal Server Error", FailureClass.Transient)]
    [InlineData(502, "Bad Gateway", FailureClass.Transient)]
    public async Task Bot_api_errors_are_classified(int code, string description, FailureClass expected)
    {
        _emulator.Fault = (method, _) => method == "sendMessage" ? BotApiEmulator.Error(code, description) : null;

        var failed = Assert.IsType<SendFailed>(await Sender.SendTextAsync(_chat, "x", null, null, CancellationToken.None));

        Assert.Equal((expected, $"http_{code}"), (failed.Class, failed.Code));
    }

    [Fact]
    public async Task A_group_that_became_a_supergroup_reports_its_new_id()
    {
        _emulator.Fault = (method, _) => method == "sendMessage"
            ? BotApiEmulator.Error(400, "Bad Request: group chat was upgraded to a supergroup chat", new JsonObject { ["migrate_to_chat_id"] = -1009876543210 })
            : null;

        var failed = Assert.IsType<SendFailed>(await Sender.SendTextAsync(-42, "x", null, null, CancellationToken.None));

        Assert.Equal(-1009876543210, failed.MigratedTo);
    }

    [Fact]
    public async Task An_unreachable_bot_api_is_a_transient_network_failure()
    {
        await _emulator.DisposeAsync();

        var failed = Assert.IsType<SendFailed>(await Sender.SendTextAsync(_chat, "x", null, null, CancellationToken.None));

        Assert.Equal((FailureClass.Transient, AgentFailureCodes.Network), (failed.Class, failed.Code));
    }

    [Fact]
    public async Task An_ok_answer_the_client_cannot_read_counts_as_delivered_and_is_not_sent_again()
    {
        var calls = 0;
        _emulator.Fault = (method, _) => method == "sendMessage" && Interlocked.Increment(ref calls) > 0
            ? BotApiEmulator.Ok(JsonValue.Create("not a message"))
            : null;

        var outcome = await Sender.SendTextAsync(_chat, "once", null, null, CancellationToken.None);

        Assert.IsType<SendDelivered>(outcome);
        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task A_message_carries_its_button_and_an_edit_replaces_text_and_button()
    {
        var sent = Assert.IsType<SendDelivered>(await Sender.SendTextAsync(-100, "Thinking…", 3, ReplyButton.Stop, CancellationToken.None));

        var edited = await Sender.EditTextAsync(-100, sent.MessageId, "The answer.", null, preview: false, CancellationToken.None);

        Assert.Equal(new SendDelivered(sent.MessageId), edited);
        Assert.Equal("Stop", Assert.Single(_emulator.SentTo(-100)).Button);
        var shown = Assert.Single(_emulator.ShownIn(-100));
        Assert.Equal(("The answer.", (string?)null), (shown.Text, shown.Button));
    }

    [Fact]
    public async Task An_edit_to_the_text_a_message_shows_already_counts_as_delivered()
    {
        var sent = Assert.IsType<SendDelivered>(await Sender.SendTextAsync(_chat, "same", null, null, CancellationToken.None));

        var edited = await Sender.EditTextAsync(_chat, sent.MessageId, "same", null, preview: true, CancellationToken.None);

        Assert.IsType<SendDelivered>(edited);
        Assert.Equal(1, _emulator.NotModified);
    }

    [Fact]
    public async Task A_draft_goes_to_a_private_chat_with_a_stop_button_and_is_refused_in_a_group()
    {
        var draft = await Sender.SendDraftAsync(_chat, 77, "partial answer", CancellationToken.None);
        var group = await Sender.SendDraftAsync(-100, 77, "partial answer", CancellationToken.None);

        Assert.IsType<SendDelivered>(draft);
        Assert.Equal((_chat, 77L, "partial answer", true), Assert.Single(_emulator.Drafts) is var d ? (d.ChatId, d.DraftId, d.Text, d.CanStop) : default);
        Assert.Equal(FailureClass.Fatal, Assert.IsType<SendFailed>(group).Class);
    }

    [Fact]
    public async Task A_button_press_is_answered()
    {
        Assert.IsType<SendDelivered>(await Sender.AnswerButtonAsync("callback-1", "Stopping…", CancellationToken.None));

        Assert.Equal("callback-1", Assert.Single(_emulator.AnsweredCallbacks));
    }
}
