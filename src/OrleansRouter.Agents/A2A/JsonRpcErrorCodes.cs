namespace OrleansRouter.Agents.A2A;

/// <summary>The JSON-RPC error codes of the A2A specification that the client acts on.</summary>
internal static class JsonRpcErrorCodes
{
    public const int InvalidParams = -32602;
    public const int InternalError = -32603;
    public const int MethodNotFound = -32601;
    public const int TaskNotFound = -32001;
    public const int TaskNotCancelable = -32002;
    public const int UnsupportedOperation = -32004;
    public const int VersionNotSupported = -32009;

    /// <summary>The agent may answer the same request later; every other error is fatal.</summary>
    public static bool IsTransient(int code) => code == InternalError;

    /// <summary>The agent does not speak the dialect we used: try the other one.</summary>
    public static bool AsksForOtherDialect(int code) => code is MethodNotFound or VersionNotSupported;

    /// <summary>
    /// The agent cannot follow the task on a stream: it is over already (v1.0 says UnsupportedOperation, v0.3
    /// servers often InvalidParams), or the agent does not stream after all. Its state is fetched instead.
    /// </summary>
    public static bool CannotSubscribe(int code) => code is UnsupportedOperation or InvalidParams or MethodNotFound or VersionNotSupported;

    /// <summary>The agent has no streaming method after all, whatever its card says: it is asked to answer in one piece.</summary>
    public static bool DoesNotStream(int code) => code is UnsupportedOperation or MethodNotFound or VersionNotSupported;

    public static AgentFailure Failure(JsonRpcResponse.Error error) => error.Code switch
    {
        TaskNotFound => new AgentFailure(FailureClass.Fatal, AgentFailureCodes.TaskNotFound, error.Message),
        TaskNotCancelable => new AgentFailure(FailureClass.Fatal, AgentFailureCodes.TaskNotCancelable, error.Message),
        _ => new AgentFailure(IsTransient(error.Code) ? FailureClass.Transient : FailureClass.Fatal, $"jsonrpc_{error.Code}", error.Message),
    };
}
