namespace OrleansRouter.Grains.Chats;

/// <summary>
/// A group that becomes a supergroup gets a new chat id. The old chat hands its conversations and unanswered
/// messages to the new one, which takes them in as if they had always been its own.
/// </summary>
internal static class ChatMigration
{
    /// <summary>The messages a handover carries: every user message but <paramref name="except"/>.</summary>
    public static List<InboxItem> HandedOver(ChatState state, InboxItem? except) =>
        state.Inbox.Where(item => item != except && item.Kind == InboxItemKind.Message).ToList();

    public static ChatHandover Handover(long fromChatId, ChatState state, IEnumerable<InboxItem> items) => new(
        fromChatId,
        state.ChosenPersona,
        state.Conversations.Select(c => new HandedOverConversation(c.Key, c.Value.ContextId, c.Value.PendingTaskId)).ToList(),
        items
            .Select(item => new HandedOverMessage(
                item.Message,
                item.AgentMessageId,
                item.Persona,
                item.Stage == InboxStage.Replying ? item.ReplyParts : null,
                item.PartsDelivered))
            .ToList());

    /// <summary>The old chat once the supergroup took the handover: it keeps neither conversation nor persona.</summary>
    public static void MoveOut(ChatState state, long supergroup, List<InboxItem> handed, InboxItem? except)
    {
        state.MovedTo = supergroup;
        state.ChosenPersona = null;
        state.Conversations.Clear();

        // Messages that came in during the handover stay, and follow on their turn. An overflow notice goes: the
        // group it would tell is gone, and left at the head it would be handed over, with nothing, again and again.
        state.Inbox.RemoveAll(item => item == except || handed.Contains(item) || item.Kind == InboxItemKind.OverflowNotice);
    }

    /// <summary>
    /// Takes the handover into <paramref name="state"/>, and remembers the update ids of the messages it had not taken
    /// before: the same handover again is recognised.
    /// </summary>
    public static void Adopt(long chatId, ChatState state, ChatHandover handover, int insertAt)
    {
        state.ChosenPersona ??= handover.ChosenPersona;
        foreach (var conversation in handover.Conversations)
        {
            state.Conversations.TryAdd(conversation.Persona, new Conversation { ContextId = conversation.ContextId, PendingTaskId = conversation.PendingTaskId });
        }

        var fresh = handover.Messages.Where(handed => !state.RecentUpdateIds.Contains(handed.Message.UpdateId)).ToList();
        var items = fresh.Select(handed => new InboxItem
        {
            Message = handed.Message with { ChatId = chatId },
            Kind = InboxItemKind.Message,
            AgentMessageId = handed.AgentMessageId,
            Persona = handed.Persona,
            Stage = handed.ReplyParts is not null ? InboxStage.Replying : handed.Persona is not null ? InboxStage.Calling : InboxStage.Received,
            ReplyParts = handed.ReplyParts?.ToList() ?? [],
            PartsDelivered = handed.PartsDelivered,
        });
        state.Inbox.InsertRange(Math.Min(insertAt, state.Inbox.Count), items);
        foreach (var handed in fresh)
        {
            state.RememberUpdate(handed.Message.UpdateId);
        }
    }
}
