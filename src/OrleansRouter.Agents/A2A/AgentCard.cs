using OrleansRouter.Media;

namespace OrleansRouter.Agents.A2A;

/// <summary>What the client needs from an agent card: where to post JSON-RPC, in which dialect, whether it streams and notifies.</summary>
/// <param name="Streaming">The card's <c>capabilities.streaming</c>: the agent answers SendStreamingMessage / message/stream.</param>
/// <param name="PushNotifications">The card's <c>capabilities.pushNotifications</c>: the agent takes a push config with a message.</param>
public sealed record AgentCard(string Name, Uri Endpoint, A2ADialect Dialect, bool Streaming = false, bool PushNotifications = false)
{
    /// <summary>What the agent takes: the card's <c>defaultInputModes</c> and its skills' <c>inputModes</c>.</summary>
    public MediaModes InputModes { get; init; } = MediaModes.TextOnly;
}
