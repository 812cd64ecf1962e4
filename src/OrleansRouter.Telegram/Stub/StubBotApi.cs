using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;

namespace OrleansRouter.Telegram.Stub;

/// <summary>
/// An in-memory Bot API look-alike: users post messages into chats, the bot fetches them with <c>getUpdates</c>
/// (long polling, with Telegram's offset confirmation) and answers with <c>sendMessage</c>, shows a growing answer
/// as a draft (<c>sendMessageDraft</c>, private chats) or edits its message (<c>editMessageText</c>). Served over
/// real HTTP by <see cref="StubBotApiEndpoints"/>, so the real Telegram.Bot client is exercised offline.
/// </summary>
public sealed class StubBotApi(string token, TimeProvider clock)
{
    /// <summary>The token the local environment uses when none is configured: it only opens the stub.</summary>
    public const string DefaultToken = "7000000001:local-stub-token";

    private const int MaxMessageLength = 4096;
    /// <summary>Who writes into a stub group unless the post names another sender: the group's creator.</summary>
    public const long GroupMemberId = 7_100_000_001;

    private readonly Lock _gate = new();
    private readonly List<Update> _unconfirmed = [];
    private readonly Dictionary<long, ChatLog> _chats = [];
    private int _nextUpdateId = 1;
    private TaskCompletionSource _arrived = NewSignal();

    public User Bot { get; } = new()
    {
        Id = 7_000_000_001,
        IsBot = true,
        FirstName = "OrleansRouter stub",
        Username = "orleans_router_stub_bot",
    };

    public bool Authorizes(string presented) =>
        System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
            System.Text.Encoding.UTF8.GetBytes(presented), System.Text.Encoding.UTF8.GetBytes(token));

    /// <summary>
    /// A user writes into a chat: positive ids are private chats, negative ids groups. In a group the sender is its
    /// creator (<see cref="GroupMemberId"/>) unless <paramref name="senderId"/> names someone else, a plain member.
    /// </summary>
    public (int UpdateId, int MessageId) PostUserMessage(long chatId, string text, string? senderName, long? senderId = null)
    {
        lock (_gate)
        {
            var log = ChatOf(chatId);
            var messageId = log.NextMessageId++;
            var message = new Message
            {
                Id = messageId,
                Date = clock.GetUtcNow().UtcDateTime,
                Chat = chatId > 0
                    ? new Chat { Id = chatId, Type = ChatType.Private, FirstName = senderName ?? "Stub user" }
                    : new Chat { Id = chatId, Type = ChatType.Supergroup, Title = "Stub group" },
                From = new User { Id = chatId > 0 ? chatId : senderId ?? GroupMemberId, FirstName = senderName ?? "Stub user" },
                Text = text,
            };
            var update = new Update { Id = _nextUpdateId++, Message = message };
            _unconfirmed.Add(update);
            log.Entries.Add(new StubEntry(messageId, "user", text, clock.GetUtcNow(), null));
            _arrived.TrySetResult();
            return (update.Id, messageId);
        }
    }

    /// <summary>
    /// Telegram's getUpdates: an offset confirms every update below it; waits up to <paramref name="wait"/> for one
    /// to arrive when none is pending.
    /// </summary>
    public async Task<Update[]> GetUpdatesAsync(int? offset, int limit, TimeSpan wait, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(wait);
        while (true)
        {
            Task arrived;
            lock (_gate)
            {
                if (offset is { } confirmed)
                {
                    _unconfirmed.RemoveAll(u => u.Id < confirmed);
                }

                if (_unconfirmed.Count > 0 || wait <= TimeSpan.Zero)
                {
                    return _unconfirmed.Take(Math.Clamp(limit, 1, 100)).ToArray();
                }

                if (_arrived.Task.IsCompleted)
                {
                    _arrived = NewSignal();
                }

                arrived = _arrived.Task;
            }

            try
            {
                await arrived.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return [];
            }
        }
    }

    public Message SendMessage(long chatId, string text, int? replyTo)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new StubApiException(400, "Bad Request: message text is empty");
        }

        if (text.Length > MaxMessageLength)
        {
            throw new StubApiException(400, "Bad Request: message is too long");
        }

        lock (_gate)
        {
            if (!_chats.TryGetValue(chatId, out var log))
            {
                throw new StubApiException(400, "Bad Request: chat not found");
            }

            var messageId = log.NextMessageId++;
            log.Entries.Add(new StubEntry(messageId, "bot", text, clock.GetUtcNow(), replyTo));

            // A message from the bot ends its draft, as in Telegram's apps.
            log.Draft = null;
            return new Message
            {
                Id = messageId,
                Date = clock.GetUtcNow().UtcDateTime,
                Chat = new Chat { Id = chatId, Type = chatId > 0 ? ChatType.Private : ChatType.Supergroup },
                From = Bot,
                Text = text,
            };
        }
    }

    /// <summary>Replaces the text of a message the bot sent; refuses, as Telegram does, an edit that changes nothing.</summary>
    public Message EditMessageText(long chatId, int messageId, string text)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Length > MaxMessageLength)
        {
            throw new StubApiException(400, text.Length > MaxMessageLength ? "Bad Request: MESSAGE_TOO_LONG" : "Bad Request: message text is empty");
        }

        lock (_gate)
        {
            var log = _chats.TryGetValue(chatId, out var found) ? found : throw new StubApiException(400, "Bad Request: chat not found");
            var index = log.Entries.FindIndex(e => e.MessageId == messageId && e.From == "bot");
            if (index < 0)
            {
                throw new StubApiException(400, "Bad Request: message to edit not found");
            }

            var entry = log.Entries[index];
            if (entry.Text == text)
            {
                throw new StubApiException(400, "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message");
            }

            log.Entries[index] = entry with { Text = text, Edits = entry.Edits + 1 };
            return new Message
            {
                Id = messageId,
                Date = entry.Date.UtcDateTime,
                EditDate = clock.GetUtcNow().UtcDateTime,
                Chat = new Chat { Id = chatId, Type = chatId > 0 ? ChatType.Private : ChatType.Supergroup },
                From = Bot,
                Text = text,
            };
        }
    }

    /// <summary>Shows <paramref name="text"/> as the private chat's draft; empty shows "Thinking…".</summary>
    public void SendMessageDraft(long chatId, long draftId, string text)
    {
        if (draftId == 0)
        {
            throw new StubApiException(400, "Bad Request: invalid draft identifier");
        }

        if (chatId < 0)
        {
            throw new StubApiException(400, "Bad Request: drafts can be sent only to private chats");
        }

        lock (_gate)
        {
            var log = _chats.TryGetValue(chatId, out var found) ? found : throw new StubApiException(400, "Bad Request: chat not found");
            log.Draft = text.Length == 0 ? "Thinking…" : text;
            log.DraftsShown++;
        }
    }

    public void SendChatAction(long chatId)
    {
        lock (_gate)
        {
            if (!_chats.TryGetValue(chatId, out var log))
            {
                throw new StubApiException(400, "Bad Request: chat not found");
            }

            log.TypingActions++;
        }
    }

    /// <summary>
    /// getChatMember: a private chat's user and a group's creator (<see cref="GroupMemberId"/>) are "creator", anyone
    /// else who wrote there a "member". In the Bot API's JSON, so the client reads it as it reads Telegram's.
    /// </summary>
    public System.Text.Json.Nodes.JsonObject ChatMember(long chatId, long userId)
    {
        lock (_gate)
        {
            if (!_chats.ContainsKey(chatId))
            {
                throw new StubApiException(400, "Bad Request: chat not found");
            }
        }

        var creator = chatId > 0 ? userId == chatId : userId == GroupMemberId;
        var member = new System.Text.Json.Nodes.JsonObject
        {
            ["status"] = creator ? "creator" : "member",
            ["user"] = new System.Text.Json.Nodes.JsonObject { ["id"] = userId, ["is_bot"] = false, ["first_name"] = "Stub user" },
        };
        if (creator)
        {
            member["is_anonymous"] = false;
        }

        return member;
    }

    public StubTranscript? Transcript(long chatId)
    {
        lock (_gate)
        {
            return _chats.TryGetValue(chatId, out var log)
                ? new StubTranscript(chatId, log.Entries.ToArray(), log.TypingActions, log.Draft, log.DraftsShown)
                : null;
        }
    }

    private ChatLog ChatOf(long chatId)
    {
        if (!_chats.TryGetValue(chatId, out var log))
        {
            log = new ChatLog();
            _chats[chatId] = log;
        }

        return log;
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private sealed class ChatLog
    {
        public List<StubEntry> Entries { get; } = [];

        public int NextMessageId { get; set; } = 1;

        public int TypingActions { get; set; }

        /// <summary>What the chat's draft shows now; null when there is none.</summary>
        public string? Draft { get; set; }

        public int DraftsShown { get; set; }
    }
}
