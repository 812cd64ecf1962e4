using OrleansRouter.Agents;
using OrleansRouter.Chats;
using OrleansRouter.Grains;
using OrleansRouter.Grains.Chats;

namespace OrleansRouter.Tests.Chats;

/// <summary>What a chat does once it has followed the agent's answer for one attempt: plain rules, no grain.</summary>
public sealed class AnswerOutcomeTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);
    private static readonly StreamingOptions Options = new();

    private static InboxItem Item(string? taskId = "task-1", TimeSpan? streamingFor = null) =>
        InboxItem.For(new InboundMessage(1, 42, 7, "hello", Now, IsGroup: false), InboxItemKind.Message) with
        {
            TaskId = taskId,
            StreamStartedAt = taskId is null ? null : Now - (streamingFor ?? TimeSpan.FromSeconds(30)),
            AgentAttempts = 2,
        };

    private static Followed Ended(AgentOutcome? outcome) => new(outcome, Stopped: false, Partial: "");

    private static AnswerOutcome Of(Followed followed, InboxItem item, Conversation? conversation = null, bool notifies = false) =>
        AnswerOutcome.Of(followed, item, conversation ?? new Conversation(), Now, Options, notifies);

    [Fact]
    public void A_stream_that_ended_early_waits_for_the_push_notice_where_the_agent_sends_one_and_is_retried_where_not()
    {
        Assert.IsType<AnswerOutcome.AwaitPush>(Of(Ended(null), Item(), notifies: true));
        Assert.Equal("stream_cut", Assert.IsType<AnswerOutcome.Failed>(Of(Ended(null), Item(), notifies: false)).Failure.Code);
    }

    [Fact]
    public void A_stream_that_went_quiet_waits_for_the_notice_but_a_cut_connection_is_retried()
    {
        var quiet = new AgentFailure(FailureClass.Transient, AgentFailureCodes.Timeout, "the stream sent nothing for 60 s");
        var cut = new AgentFailure(FailureClass.Transient, AgentFailureCodes.Network, "the stream was cut");

        Assert.IsType<AnswerOutcome.AwaitPush>(Of(Ended(quiet), Item(), notifies: true));
        Assert.Equal(cut, Assert.IsType<AnswerOutcome.Failed>(Of(Ended(cut), Item(), notifies: true)).Failure);
    }

    [Fact]
    public void A_task_older_than_the_push_wait_or_without_a_task_id_is_retried_as_before()
    {
        Assert.IsType<AnswerOutcome.Failed>(Of(Ended(null), Item(streamingFor: Options.PushWait + TimeSpan.FromSeconds(1)), notifies: true));
        Assert.IsType<AnswerOutcome.Failed>(Of(Ended(null), Item(taskId: null), notifies: true));
    }

    [Fact]
    public void An_answer_is_the_reply_and_keeps_the_conversation_and_the_task_that_waits_for_the_user()
    {
        var conversation = new Conversation { ContextId = "old", PendingTaskId = "earlier" };

        var outcome = Of(Ended(new AgentReply(AgentReplyKind.InputRequired, "Which city?", "ctx-2", "task-1")), Item(), conversation);

        Assert.Equal(new AnswerOutcome.Reply("Which city?"), outcome);
        Assert.Equal(("ctx-2", "task-1"), (conversation.ContextId, conversation.PendingTaskId));
    }

    [Fact]
    public void A_task_that_asks_to_authorize_is_waited_for_by_push_where_the_agent_notifies_and_given_up_after_the_wait()
    {
        var auth = new AgentReply(AgentReplyKind.AuthRequired, "Log in at https://auth.example", "ctx", "task-1");
        var waitedLong = Item() with { AuthRequiredSince = Now - Options.AuthWait };
        var conversation = new Conversation();

        Assert.Equal(new AnswerOutcome.AwaitAuthorization(auth, ByPush: true), Of(Ended(auth), Item(), notifies: true));
        Assert.Equal(new AnswerOutcome.AwaitAuthorization(auth, ByPush: false), Of(Ended(auth), Item(), notifies: false));
        Assert.IsType<AnswerOutcome.Reply>(Of(Ended(auth), waitedLong, conversation, notifies: true));
        Assert.Equal("task-1", conversation.PendingTaskId);
    }

    [Fact]
    public void A_task_the_agent_forgot_goes_again_as_a_new_one_without_counting_the_attempt()
    {
        var item = Item() with { AwaitsPush = true };
        var forgotten = new AgentFailure(FailureClass.Fatal, AgentFailureCodes.TaskNotFound, "unknown task");

        Assert.IsType<AnswerOutcome.CallAgain>(Of(Ended(forgotten), item, notifies: true));
        Assert.Equal((null, false, 1), (item.TaskId, item.AwaitsPush, item.AgentAttempts));
    }

    [Fact]
    public void A_stop_and_a_drain_come_before_anything_the_agent_said()
    {
        var stopped = new Followed(null, Stopped: true, Partial: "So far");

        Assert.Equal(new AnswerOutcome.Stop("So far"), Of(stopped, Item(), notifies: true));
        Assert.IsType<AnswerOutcome.LeftToOthers>(Of(Followed.LeftToOthers, Item(), notifies: true));
    }
}
