namespace OrleansRouter.Testing;

/// <summary>How the <see cref="HostileAgent"/> answers one JSON-RPC call.</summary>
public abstract record HostileReply
{
    /// <summary>A well-formed v1.0 Message result: the agent's <see cref="HostileAgent.ReplyPrefix"/> and the user's text.</summary>
    public sealed record Normal : HostileReply;

    /// <summary>A well-formed Message result whose text is <paramref name="Chars"/> characters long.</summary>
    public sealed record Lengthy(int Chars) : HostileReply;

    /// <summary>
    /// A well-formed Message result: the normal answer, a space, and <paramref name="Chars"/> characters of words and
    /// line breaks, so that a splitter cutting at spaces has somewhere to cut.
    /// </summary>
    public sealed record Wordy(int Chars) : HostileReply;

    /// <summary>An HTTP redirect (307 keeps the method and the body) to <paramref name="Target"/>.</summary>
    public sealed record Redirect(Uri Target, int Status = 307) : HostileReply;

    /// <summary>A 200 whose JSON stops half way and the response ends cleanly, as a proxy that cut it gives.</summary>
    public sealed record CutJson : HostileReply;

    /// <summary>A 200 that promises a Content-Length, sends half, and drops the connection.</summary>
    public sealed record DroppedConnection : HostileReply;

    /// <summary>A 200 with an HTML error page.</summary>
    public sealed record Garbage : HostileReply;

    /// <summary>
    /// A 200 that says <c>application/json</c> and sends <paramref name="Count"/> random bytes, seeded by the length of
    /// the user's text so that a run can be repeated.
    /// </summary>
    public sealed record RandomBytes(int Count) : HostileReply;

    /// <summary>A 200 whose result nests <paramref name="Depth"/> arrays deep.</summary>
    public sealed record Deep(int Depth) : HostileReply;

    /// <summary>A well-formed answer with its Content-Length, sent one byte every <paramref name="Every"/>.</summary>
    public sealed record Drip(TimeSpan Every) : HostileReply;

    /// <summary>A task that stays "working" for ever, for the send and every poll.</summary>
    public sealed record NeverFinal : HostileReply;
}
