namespace OrleansRouter.Grains;

/// <summary>An agent's push notification for a chat: the task it is about, and the token it came with.</summary>
[GenerateSerializer, Immutable, Alias("push-notice")]
public sealed record PushNotice([property: Id(0)] string TaskId, [property: Id(1)] string Token);

/// <summary>What the chat did with a push notification.</summary>
[GenerateSerializer, Alias("push-receipt")]
public enum PushReceipt
{
    /// <summary>The chat was waiting for the task and follows it now.</summary>
    Woke,

    /// <summary>Nothing to do: the chat follows the task already, or it is not the task being answered (over, or a repeat).</summary>
    Ignored,

    /// <summary>The token is not the one the chat registered for the task: nothing is done.</summary>
    Refused,
}
