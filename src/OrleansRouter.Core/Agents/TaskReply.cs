using System.Globalization;

namespace OrleansRouter.Agents;

/// <summary>
/// The reply a task in a final or waiting state gives, the same way whether the task came whole (a blocking call)
/// or in pieces (a stream): a completed task says its artifacts, then its status text; any other state says its
/// status text first. The text is capped at the client's reply limit (<c>A2A_MAX_REPLY_CHARS</c>), notice
/// included: a longer reply is cut and says by how much, so one agent cannot send a chat a thousand messages or
/// make its stored reply huge.
/// </summary>
public static class TaskReply
{
    public static AgentReply Of(AgentReplyKind kind, string statusText, string artifactText, string? contextId, string? taskId,
        int maxChars, long? receivedChars = null)
    {
        var text = kind is AgentReplyKind.Completed ? Combine(artifactText, statusText) : Combine(statusText, artifactText);
        return new AgentReply(kind, Cap(text, maxChars, receivedChars), contextId, taskId);
    }

    /// <summary>Artifacts one after another, a blank line between them; empty ones left out.</summary>
    public static string Join(IEnumerable<string> artifacts) => string.Join("\n\n", artifacts.Where(t => t.Length > 0));

    public static string Combine(string first, string second) =>
        first.Length == 0 ? second
        : second.Length == 0 || second == first ? first
        : $"{first}\n\n{second}";

    /// <param name="receivedChars">How long the text was before anything upstream cut it, when it was.</param>
    public static string Cap(string text, int maxChars, long? receivedChars = null)
    {
        var length = Math.Max(text.Length, receivedChars ?? 0);
        if (length <= maxChars)
        {
            return text;
        }

        var notice = string.Create(CultureInfo.InvariantCulture,
            $"\n\n[reply truncated: the agent sent {length:N0} characters; the limit is {maxChars:N0}]");
        var keep = Math.Min(text.Length, Math.Max(0, maxChars - notice.Length));
        if (keep > 0 && char.IsHighSurrogate(text[keep - 1]))
        {
            keep--;
        }

        return string.Concat(text.AsSpan(0, keep), notice);
    }
}
