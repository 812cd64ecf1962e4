namespace OrleansRouter.Agents.A2A;

/// <summary>The two A2A protocol versions the client speaks.</summary>
public enum A2ADialect
{
    /// <summary>v1.0: <c>SendMessage</c>, <c>A2A-Version: 1.0</c>, ProtoJSON enums, results wrapped as <c>{"task":…}</c>.</summary>
    V1,

    /// <summary>v0.3: <c>message/send</c>, <c>kind</c> discriminators, lower-case enums, bare results.</summary>
    V03,
}
