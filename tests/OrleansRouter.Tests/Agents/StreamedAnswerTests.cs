using OrleansRouter.Agents;

namespace OrleansRouter.Tests.Agents;

/// <summary>Putting a task's answer together from its stream events, by the A2A specification's rules.</summary>
public sealed class StreamedAnswerTests
{
    private static AgentStreamEvent.Chunk Chunk(string text, bool append = true, bool last = false, string artifact = "a", string task = "t") =>
        new(task, "c", artifact, text, append, last);

    private static AgentStreamEvent.Status Status(AgentTaskState state, string text = "", string task = "t") => new(task, "c", state, text, Final: false);

    private static StreamedAnswer Fed(params AgentStreamEvent[] events)
    {
        var answer = new StreamedAnswer(maxReplyChars: 1000);
        foreach (var streamEvent in events)
        {
            answer.Apply(streamEvent);
        }

        return answer;
    }

    [Fact]
    public void Appended_chunks_add_up_and_a_chunk_without_append_replaces_its_artifact()
    {
        var answer = Fed(Chunk("Hel"), Chunk("lo"), Chunk("Good"), Chunk("bye", last: false), Chunk("Hi", append: false));

        Assert.Equal("Hi", answer.Preview());
    }

    [Fact]
    public void More_of_an_artifact_after_its_last_chunk_is_ignored()
    {
        var answer = Fed(Chunk("done", last: true), Chunk(" and more"));

        Assert.Equal("done", answer.Preview());
    }

    [Fact]
    public void Artifacts_show_in_the_order_they_began_a_blank_line_apart()
    {
        var answer = Fed(Chunk("one", artifact: "x"), Chunk("two", artifact: "y"), Chunk(" more", artifact: "x"));

        Assert.Equal("one more\n\ntwo", answer.Preview());
    }

    [Fact]
    public void A_snapshot_replaces_what_was_put_together_before()
    {
        var answer = Fed(Chunk("stale text"), Chunk("other", artifact: "b"),
            new AgentStreamEvent.Snapshot("t", "c", AgentTaskState.Working, "", [new ArtifactText("a", "fresh")]));

        Assert.Equal("fresh", answer.Preview());
    }

    [Fact]
    public void A_snapshot_leaves_its_artifacts_open_to_more_chunks_only_when_the_task_goes_on()
    {
        var answer = Fed(new AgentStreamEvent.Snapshot("t", "c", AgentTaskState.Working, "", [new ArtifactText("a", "fresh")]), Chunk(" and on"));

        Assert.Equal("fresh and on", answer.Preview());
    }

    [Fact]
    public void Events_of_another_task_are_ignored()
    {
        var answer = Fed(Chunk("mine"), Chunk(" theirs", task: "other"), Status(AgentTaskState.Completed, task: "other"));

        Assert.Equal("mine", answer.Preview());
        Assert.Null(answer.Outcome);
        Assert.Equal("t", answer.TaskId);
    }

    [Fact]
    public void A_working_status_with_text_shows_until_there_is_an_artifact()
    {
        var answer = Fed(Status(AgentTaskState.Working, "Searching…"));
        Assert.Equal("Searching…", answer.Preview());

        answer.Apply(Chunk("Found it"));
        Assert.Equal("Found it", answer.Preview());
    }

    [Fact]
    public void A_completed_task_answers_with_its_artifacts_then_its_status_text()
    {
        var answer = Fed(Chunk("The answer."), Status(AgentTaskState.Completed, "Done."));

        var reply = Assert.IsType<AgentReply>(answer.Outcome);
        Assert.Equal((AgentReplyKind.Completed, "The answer.\n\nDone.", "c", "t"), (reply.Kind, reply.Text, reply.ContextId, reply.TaskId));
    }

    [Fact]
    public void A_task_that_needs_input_answers_with_its_question_and_waits_for_the_user()
    {
        var answer = Fed(Chunk("draft"), Status(AgentTaskState.InputRequired, "Which city?"));

        var reply = Assert.IsType<AgentReply>(answer.Outcome);
        Assert.True(reply.AwaitsUser);
        Assert.Equal("Which city?\n\ndraft", reply.Text);
    }

    [Fact]
    public void Nothing_counts_after_the_end()
    {
        var answer = Fed(Chunk("final"), Status(AgentTaskState.Completed), Chunk(" more"));

        Assert.Equal("final", Assert.IsType<AgentReply>(answer.Outcome).Text);
    }

    [Fact]
    public void A_stream_closed_before_a_final_state_leaves_the_answer_open()
    {
        var answer = Fed(Chunk("half"), new AgentStreamEvent.Status("t", "c", AgentTaskState.Working, "", Final: true));

        Assert.True(answer.StreamClosed);
        Assert.Null(answer.Outcome);
    }

    [Fact]
    public void An_answer_longer_than_the_limit_is_cut_and_says_how_long_it_was()
    {
        var answer = new StreamedAnswer(maxReplyChars: 200);
        for (var i = 0; i < 50; i++)
        {
            answer.Apply(Chunk(new string('x', 100)));
        }

        answer.Apply(Status(AgentTaskState.Completed));

        var text = Assert.IsType<AgentReply>(answer.Outcome).Text;
        Assert.True(text.Length <= 200, $"{text.Length} characters");
        Assert.Contains("5,000 characters", text, StringComparison.Ordinal);
        Assert.True(answer.Preview().Length <= answer.MaxKeptChars);
    }

    [Fact]
    public void At_most_so_many_artifacts_are_kept()
    {
        var answer = new StreamedAnswer(maxReplyChars: 100_000);
        for (var i = 0; i < StreamedAnswer.MaxArtifacts + 10; i++)
        {
            answer.Apply(Chunk("x", artifact: $"a{i}"));
        }

        Assert.Equal(StreamedAnswer.MaxArtifacts, answer.ArtifactLengths().Count);
    }
}
