namespace OrleansRouter.Agents;

/// <summary>Whether a failed call is worth retrying.</summary>
public enum FailureClass
{
    /// <summary>The same call may succeed later: network, timeout, 5xx, 429.</summary>
    Transient,

    /// <summary>Retrying the same call cannot help: bad request, unauthorized, protocol violation.</summary>
    Fatal,
}

public static class FailureClassNames
{
    /// <summary>The name logs and metrics use: <c>transient</c> or <c>fatal</c>.</summary>
    public static string Label(this FailureClass failure) => failure == FailureClass.Fatal ? "fatal" : "transient";
}
