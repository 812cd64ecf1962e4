namespace OrleansRouter.Grains;

/// <summary>What the chat did with an inbound message. Every value means "stored or already stored": safe to confirm.</summary>
[GenerateSerializer, Alias("accept-result")]
public enum AcceptResult
{
    Accepted,

    /// <summary>The update id was seen before; nothing changed.</summary>
    Duplicate,

    /// <summary>The inbox was full: the message is not forwarded and the user is told so.</summary>
    Overflowed,
}
