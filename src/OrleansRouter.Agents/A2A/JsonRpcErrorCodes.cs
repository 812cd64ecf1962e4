namespace OrleansRouter.Agents.A2A;

/// <summary>The JSON-RPC error codes of the A2A specification that the client acts on.</summary>
internal static class JsonRpcErrorCodes
{
    public const int InternalError = -32603;
    public const int MethodNotFound = -32601;
    public const int TaskNotFound = -32001;
    public const int VersionNotSupported = -32009;

    /// <summary>The agent may answer the same request later; every other error is fatal.</summary>
    public static bool IsTransient(int code) => code == InternalError;

    /// <summary>The agent does not speak the dialect we used: try the other one.</summary>
    public static bool AsksForOtherDialect(int code) => code is MethodNotFound or VersionNotSupported;
}
