namespace OrleansRouter.Agents.A2A;

/// <summary>What the client needs from an agent card: where to post JSON-RPC, and in which dialect.</summary>
public sealed record AgentCard(string Name, Uri Endpoint, A2ADialect Dialect);
