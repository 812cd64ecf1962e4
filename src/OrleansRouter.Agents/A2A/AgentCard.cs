namespace OrleansRouter.Agents.A2A;

/// <summary>What the client needs from an agent card: where to post JSON-RPC, in which dialect, and whether it streams.</summary>
/// <param name="Streaming">The card's <c>capabilities.streaming</c>: the agent answers SendStreamingMessage / message/stream.</param>
public sealed record AgentCard(string Name, Uri Endpoint, A2ADialect Dialect, bool Streaming = false);
