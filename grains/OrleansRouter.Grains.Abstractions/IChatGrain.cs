using Orleans.CodeGeneration;
using Orleans.Concurrency;

namespace OrleansRouter.Grains;

/// <summary>One Telegram chat, keyed by its chat id: its inbox, conversations, retries and dead letters.</summary>
[Version(2)]
[Alias("chat")]
public interface IChatGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Stores the message and returns as soon as it is durable; the agent is called afterwards, never inside this call.
    /// Only after this returns may the ingress confirm the update to Telegram.
    /// </summary>
    [Alias("accept")]
    Task<AcceptResult> AcceptAsync(InboundMessage message);

    /// <summary>
    /// Takes over a group's conversation and unanswered messages after the group became a supergroup with this
    /// grain's id. Safe to call again with the same handover.
    /// </summary>
    [Alias("adopt")]
    Task AdoptAsync(ChatHandover handover);

    /// <summary>
    /// An agent notified the router about a task (A2A push notification). When it is the task the chat is answering,
    /// with the token the chat registered for it, and the chat is waiting for it, the chat follows it now. Added in
    /// version 2.
    /// </summary>
    [Alias("push")]
    Task<PushReceipt> NotifyAsync(PushNotice notice);

    /// <summary>
    /// What the chat holds right now, for inspection: by <c>--inspect-queue</c>, and by the Orleans dashboard's grain
    /// state view, which looks for a method of this name. The alias, not the name, identifies it across versions.
    /// </summary>
    [Alias("snapshot"), ReadOnly, AlwaysInterleave]
    Task<ChatSnapshot> GetState();
}
