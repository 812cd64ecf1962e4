using OrleansRouter.Agents;
using OrleansRouter.Chats;

namespace OrleansRouter.Grains.Chats;

/// <summary>
/// What a chat does once it has followed the agent's answer for one attempt, decided from how the follow ended. Plain
/// code, as <see cref="ChatDecision"/> is before the call: it keeps the conversation's bookkeeping (its context, the
/// task that waits for the user, the task the message is answered with), and the grain carries the rest out.
/// </summary>
internal abstract record AnswerOutcome
{
    private static readonly AnswerOutcome Cut =
        new Failed(new AgentFailure(FailureClass.Transient, "stream_cut", "the stream ended before the task did"));

    private AnswerOutcome()
    {
    }

    /// <param name="agentNotifies">
    /// The router has a push address, the item's task was registered with a token, and the agent's card says it
    /// sends push notifications.
    /// </param>
    public static AnswerOutcome Of(Followed followed, InboxItem item, Conversation conversation, DateTimeOffset now, StreamingOptions options, bool agentNotifies)
    {
        if (followed.Left)
        {
            return new LeftToOthers();
        }

        if (followed.Stopped)
        {
            return new Stop(followed.Partial);
        }

        var mayAwaitPush = agentNotifies && item is { TaskId: not null, StreamStartedAt: { } started } && now - started < options.PushWait;
        switch (followed.Outcome)
        {
            // The stream ended, or went quiet, before the task did: where the agent notifies, the chat waits for it.
            case null or AgentFailure { Code: AgentFailureCodes.Timeout } when mayAwaitPush:
                return new AwaitPush();
            case AgentReply { Kind: AgentReplyKind.AuthRequired } auth when item.TaskId is not null
                && (item.AuthRequiredSince is not { } since || now - since < options.AuthWait):
                return new AwaitAuthorization(auth, mayAwaitPush);
            case AgentReply { Kind: AgentReplyKind.AuthRequired } when item.TaskId is not null:
                // Waited long enough: the user's next message continues the task.
                conversation.PendingTaskId = item.TaskId;
                return new Reply(ChatReplies.StillWaitingForAuthorization);
            case AgentReply reply:
                conversation.ContextId = reply.ContextId ?? conversation.ContextId;
                conversation.PendingTaskId = reply.AwaitsUser ? reply.TaskId : null;
                return new Reply(ChatReplies.FromAgent(reply));
            case AgentFailure { TaskNotFound: true } when item.TaskId is not null:
                // The agent no longer knows the task it was answering with: the message goes again, as a new task.
                item.TaskId = null;
                item.AwaitsPush = false;
                item.AgentAttempts--;
                return new CallAgain();
            case AgentFailure { Class: FailureClass.Fatal } when conversation.PendingTaskId is not null:
                // The task the agent asked about is gone or over (not found, unsupported operation…): the message goes
                // again, as a new task, rather than failing every message until /reset.
                conversation.PendingTaskId = null;
                item.AgentAttempts--;
                return new CallAgain();
            case AgentFailure failure:
                return new Failed(failure);
            default:
                // The stream ended before the answer did: the task is followed again, backing off like any retry.
                return Cut;
        }
    }

    /// <summary>The silo is draining and left the task, stored, for another silo to follow.</summary>
    public sealed record LeftToOthers : AnswerOutcome;

    /// <summary>The user stopped the answer: the task is cancelled, and the chat says what it had said so far.</summary>
    public sealed record Stop(string Partial) : AnswerOutcome;

    /// <summary>The chat waits for the agent's push notification about the task, with no stream open.</summary>
    public sealed record AwaitPush : AnswerOutcome;

    /// <summary>The task waits for the user to log in: the chat says so once, then waits for the agent to go on.</summary>
    /// <param name="ByPush">The wait is for the agent's push notification rather than a poll every few seconds.</param>
    public sealed record AwaitAuthorization(AgentReply Auth, bool ByPush) : AnswerOutcome;

    /// <summary>The answer, or what the chat says instead: stored, then sent.</summary>
    public sealed record Reply(string Text) : AnswerOutcome;

    /// <summary>The message goes to the agent again at once, as a new task; the attempt does not count.</summary>
    public sealed record CallAgain : AnswerOutcome;

    /// <summary>The attempt failed: retried while transient and attempts are left, else the message is given up.</summary>
    public sealed record Failed(AgentFailure Failure) : AnswerOutcome;
}
