using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using OrleansRouter.Grains;
using OrleansRouter.Privacy;
using OrleansRouter.Queues;
using OrleansRouter.Telemetry;

namespace OrleansRouter.Host.Ingress;

/// <summary>
/// <c>ALLOWED_CHAT_IDS</c>, at the ingress: an update from any other chat is confirmed without ever reaching a
/// ChatGrain, so a stranger leaves no state in storage. The stranger is told no, at most once per
/// <c>INGRESS_REFUSAL_INTERVAL_MINUTES</c>, by <see cref="StrangerRefusalSender"/>; the refusals wait in a short
/// queue, and what does not fit is not sent, so a flood of strangers cannot make the bot flood Telegram.
/// </summary>
public sealed class StrangerGate
{
    /// <summary>What a stranger is told; the same words the chats used to say.</summary>
    public const string Refusal = "Sorry, this bot is not available in this chat.";

    /// <summary>How many strangers are remembered as refused; beyond it the oldest may be told once more.</summary>
    internal const int RememberedStrangers = 10_000;

    /// <summary>How many refusals may wait for their turn to be sent.</summary>
    public const int WaitingRefusals = 64;

    private readonly IReadOnlySet<long>? _allowed;
    private readonly TimeProvider _clock;
    private readonly RouterMetrics _metrics;
    private readonly ChatIdHasher _hasher;
    private readonly ILogger<StrangerGate> _logger;
    private readonly Lock _gate = new();
    private readonly RefusalMemory _refused;
    private readonly Channel<PendingRefusal> _pending = Channel.CreateBounded<PendingRefusal>(
        new BoundedChannelOptions(WaitingRefusals) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    public StrangerGate(QueueOptions queue, IngressOptions options, TimeProvider clock, RouterMetrics metrics, ChatIdHasher hasher, ILogger<StrangerGate> logger)
    {
        _allowed = queue.AllowedChatIds;
        _clock = clock;
        _metrics = metrics;
        _hasher = hasher;
        _logger = logger;
        _refused = new RefusalMemory(RememberedStrangers, options.RefusalInterval);
    }

    public ChannelReader<PendingRefusal> Pending => _pending.Reader;

    public bool IsStranger(long chatId) => _allowed is { } allowed && !allowed.Contains(chatId);

    /// <summary>Takes a stranger's message without storing it; queues its refusal unless the chat was told lately.</summary>
    public void Turn(InboundMessage message)
    {
        string refusal;

        // Service messages (a migration) get no answer from anyone; they only drop.
        if (message.MigrateToChatId is not null)
        {
            refusal = "none";
        }
        else
        {
            bool due;
            lock (_gate)
            {
                due = _refused.TryRefuse(message.ChatId, _clock.GetUtcNow());
            }

            var replyTo = message.IsGroup ? message.MessageId : (int?)null;
            refusal = !due ? "recent" : _pending.Writer.TryWrite(new PendingRefusal(message.ChatId, replyTo)) ? "queued" : "full";
        }

        _metrics.StrangerUpdate(refusal);
        IngressLog.Stranger(_logger, message.UpdateId, _hasher.Hash(message.ChatId), refusal);
    }
}

/// <param name="ReplyTo">In a group, the message the refusal answers.</param>
public sealed record PendingRefusal(long ChatId, int? ReplyTo);
