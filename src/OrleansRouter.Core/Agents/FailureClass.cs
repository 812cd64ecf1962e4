namespace OrleansRouter.Agents;

/// <summary>Whether a failed call is worth retrying.</summary>
public enum FailureClass
{
    /// <summary>The same call may succeed later: network, timeout, 5xx, 429.</summary>
    Transient,

    /// <summary>Retrying the same call cannot help: bad request, unauthorized, protocol violation.</summary>
    Fatal,
}
