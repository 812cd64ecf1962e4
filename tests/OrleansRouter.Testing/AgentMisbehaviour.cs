namespace OrleansRouter.Testing;

/// <summary>The ways the bad-input corpus has a <see cref="HostileAgent"/> misbehave; each is something a broken or malicious agent does.</summary>
public enum AgentMisbehaviour
{
    /// <summary>The card names a JSON-RPC endpoint on another origin.</summary>
    CardPointsElsewhere,

    /// <summary>Every call is answered 307 to another origin, which would get the credential and the user's text.</summary>
    RedirectsElsewhere,

    /// <summary>A Message whose text is 4 MiB long, less 128 KiB: the whole answer, escapes and all, just fits a 4 MiB read limit.</summary>
    FourMiBReply,

    /// <summary>A task that stays "working" however often it is asked about.</summary>
    NeverFinalTask,

    /// <summary>A JSON-RPC answer whose result is nested 10,000 levels deep.</summary>
    DeepJson,

    /// <summary>A valid answer, one byte every 500 ms.</summary>
    OneBytePerHalfSecond,

    /// <summary>HTTP 200, <c>application/json</c>, and random bytes.</summary>
    GarbageBytes,

    /// <summary>HTTP 200 with a Content-Length, a valid start of an answer, then the connection is dropped.</summary>
    CutBody,
}

/// <summary>Sets a <see cref="HostileAgent"/> up as one <see cref="AgentMisbehaviour"/>.</summary>
public static class AgentMisbehaviours
{
    /// <summary>
    /// What a misbehaving agent's answers start with, where it answers at all: not "reply: ", so that an answer of a
    /// good agent in the same chat is not taken for one of it.
    /// </summary>
    public const string AnswerPrefix = "answer to ";

    private const int DeepJsonLevels = 10_000;

    private const int HugeReplyChars = 4 * 1024 * 1024 - 128 * 1024;

    /// <param name="elsewhere">Where the card or the redirects point: another origin, normally a credential recorder.</param>
    public static HostileAgent Misbehave(this HostileAgent agent, AgentMisbehaviour misbehaviour, Uri elsewhere)
    {
        agent.ReplyPrefix = AnswerPrefix;
        if (misbehaviour == AgentMisbehaviour.CardPointsElsewhere)
        {
            // A call that still comes here is answered properly.
            agent.CardEndpoint = new Uri(elsewhere, "/rpc");
            return agent;
        }

        HostileReply reply = misbehaviour switch
        {
            AgentMisbehaviour.RedirectsElsewhere => new HostileReply.Redirect(new Uri(elsewhere, "/rpc")),
            AgentMisbehaviour.FourMiBReply => new HostileReply.Wordy(HugeReplyChars),
            AgentMisbehaviour.NeverFinalTask => new HostileReply.NeverFinal(),
            AgentMisbehaviour.DeepJson => new HostileReply.Deep(DeepJsonLevels),
            AgentMisbehaviour.OneBytePerHalfSecond => new HostileReply.Drip(TimeSpan.FromMilliseconds(500)),
            AgentMisbehaviour.GarbageBytes => new HostileReply.RandomBytes(64 * 1024),
            AgentMisbehaviour.CutBody => new HostileReply.DroppedConnection(),
            _ => throw new ArgumentOutOfRangeException(nameof(misbehaviour)),
        };
        agent.ReplyFor = _ => reply;
        return agent;
    }
}
