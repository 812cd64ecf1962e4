namespace OrleansRouter.Grains;

/// <summary>What a group hands to the supergroup it became: its conversations and the messages not yet answered.</summary>
[GenerateSerializer, Immutable, Alias("chat-handover")]
public sealed record ChatHandover(
    [property: Id(0)] long FromChatId,
    [property: Id(1)] string? ChosenPersona,
    [property: Id(2)] IReadOnlyList<HandedOverConversation> Conversations,
    [property: Id(3)] IReadOnlyList<HandedOverMessage> Messages);

[GenerateSerializer, Immutable, Alias("handed-over-conversation")]
public sealed record HandedOverConversation(
    [property: Id(0)] string Persona,
    [property: Id(1)] string? ContextId,
    [property: Id(2)] string? PendingTaskId);

/// <param name="ReplyParts">The reply, when the agent had already answered: it is delivered, not asked for again.</param>
[GenerateSerializer, Immutable, Alias("handed-over-message")]
public sealed record HandedOverMessage(
    [property: Id(0)] InboundMessage Message,
    [property: Id(1)] string AgentMessageId,
    [property: Id(2)] string? Persona,
    [property: Id(3)] IReadOnlyList<string>? ReplyParts,
    [property: Id(4)] int PartsDelivered);
