using Microsoft.Extensions.Logging;
using OrleansRouter.Agents;
using OrleansRouter.Chats;
using OrleansRouter.Personas;
using OrleansRouter.Telemetry;

namespace OrleansRouter.Grains.Chats;

/// <summary>
/// Follows the agent's answer to the message at the head of a chat's inbox: sends the message (streaming where the
/// agent can), or follows again the task it became, and shows the answer while it grows (<see cref="ReplyPreview"/>).
/// The task's id is stored the moment the stream names it. A silo that begins to drain leaves the stream as soon as
/// that is stored, and another silo follows the task on. A task the chat waits on a push notification for is asked
/// for once (GetTask), not streamed. A stop from the user (<see cref="Stop"/>) ends it at once.
/// Runs on the chat grain's scheduler, for one attempt; the grain decides what the outcome means.
/// </summary>
internal sealed class AnswerFollower(
    InboxItem item,
    Conversation conversation,
    Persona persona,
    long chatId,
    string chatHash,
    GrainServices services,
    Func<Task> save,
    Func<Task> saveShown,
    IReadOnlyList<AgentFile> files) : IDisposable
{
    private readonly CancellationTokenSource _stopping = new();

    public void Dispose() => _stopping.Dispose();

    /// <summary>Ends the answer being followed: <see cref="FollowAsync"/> returns <see cref="Followed.Stopped"/>.</summary>
    public void Stop() => _stopping.Cancel();

    public async Task<Followed> FollowAsync(CancellationToken cancellationToken)
    {
        var resumed = item.TaskId is not null;
        using var span = RouterTracing.Source.StartActivity(resumed ? "a2a.resume" : "a2a.stream");
        span?.SetTag("persona_tag", persona.Tag);
        span?.SetTag("chat_id_hash", chatHash);
        if (resumed && item.AwaitsPush)
        {
            span?.SetTag("a2a.awaits_push", true);
        }
        else if (resumed)
        {
            services.Dependencies.Metrics.StreamResumed();
            ChatLog.StreamResumed(services.Logger, chatHash, persona.Tag, item.AgentAttempts);
        }

        var answer = new StreamedAnswer(services.Dependencies.Streaming.MaxReplyChars);
        var preview = new ReplyPreview(item, chatId, services.Sender, services.Dependencies.Streaming, services.Dependencies.Clock,
            services.Dependencies.Metrics, save, saveShown);
        // A task asked for once, while the chat waits for a push notification, shows nothing until it is over.
        if (resumed && !item.AwaitsPush)
        {
            preview.Opened();
        }

        var followed = await ReadAsync(Events(cancellationToken), answer, preview, cancellationToken);
        span?.SetTag("a2a.task_state", answer.State.ToString());
        if (item.StreamStartedAt is { } started && answer.Outcome is not null)
        {
            services.Dependencies.Metrics.StreamEnded(services.Dependencies.Clock.GetUtcNow() - started);
        }

        return followed;
    }

    private IAsyncEnumerable<AgentStreamEvent> Events(CancellationToken cancellationToken)
    {
        if (item.TaskId is { } taskId)
        {
            var task = new AgentTask(persona, taskId, conversation.ContextId);
            return item.AwaitsPush
                ? OneEventAsync(token => services.Agent.PeekAsync(task, token), cancellationToken)
                : services.Agent.ResumeAsync(task, cancellationToken);
        }

        var push = item.PushToken is { } token && services.Dependencies.Push is { } addresses ? addresses.For(chatId, token) : null;
        var request = new AgentRequest(persona, item.AgentMessageId, item.Message.Text ?? "", conversation.ContextId, conversation.PendingTaskId, push, files);
        return services.Dependencies.Streaming.Enabled
            ? services.Agent.StreamAsync(request, cancellationToken)
            : OneEventAsync(async token => new AgentStreamEvent.Finished(await services.Agent.SendAsync(request, token)), cancellationToken);
    }

    /// <summary>One call as a stream of one event: the answer in one piece (streaming off), or a task asked for once.</summary>
    private static async IAsyncEnumerable<AgentStreamEvent> OneEventAsync(Func<CancellationToken, Task<AgentStreamEvent>> call,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        yield return await call(cancellationToken);
    }

    /// <summary>
    /// Reads event after event into <paramref name="answer"/>, between them showing it when the preview is due,
    /// until the answer ends, the stream does, the user stops it, or, the task stored, the silo drains.
    /// </summary>
    private async Task<Followed> ReadAsync(IAsyncEnumerable<AgentStreamEvent> events, StreamedAnswer answer, ReplyPreview preview, CancellationToken cancellationToken)
    {
        using var leaving = new CancellationTokenSource();
        using var reading = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token, leaving.Token);
        var drained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var onDrain = services.Dependencies.Drain.Draining.Register(() => drained.TrySetResult());
        if (item.StopRequested)
        {
            await _stopping.CancelAsync();
        }

        IAsyncDisposable? typing = services.Typing.Start(chatId);
        var stream = events.GetAsyncEnumerator(reading.Token);
        Task<bool>? next = null;
        var waits = new List<Task>(3);
        try
        {
            while (answer.Outcome is null)
            {
                // Waits for the next event, for the preview's turn, and, once the task is stored, for a drain.
                next ??= stream.MoveNextAsync().AsTask();
                if (!next.IsCompleted && preview.DueIn() != TimeSpan.Zero)
                {
                    waits.Clear();
                    waits.Add(next);
                    if (preview.DueIn() is { } due)
                    {
                        waits.Add(Task.Delay(due, services.Dependencies.Clock, reading.Token));
                    }

                    if (item.TaskId is not null)
                    {
                        waits.Add(drained.Task);
                    }

                    await Task.WhenAny(waits);
                }

                // Stopped (or deactivating): leave at once. The read under way ends in the finally below; waiting on
                // here would find the delay over every time and spin, holding the chat's turn.
                reading.Token.ThrowIfCancellationRequested();

                if (!next.IsCompleted)
                {
                    if (item.TaskId is not null && services.Dependencies.Drain.IsDraining)
                    {
                        ChatLog.StreamLeft(services.Logger, chatHash, persona.Tag);
                        return Followed.LeftToOthers;
                    }

                    if (preview.DueIn() == TimeSpan.Zero)
                    {
                        await preview.ShowAsync(answer, reading.Token);
                        if (preview.Visible && typing is not null)
                        {
                            await typing.DisposeAsync();
                            typing = null;
                        }
                    }

                    continue;
                }

                var more = await next;
                next = null;
                if (!more)
                {
                    break;
                }

                if (answer.Apply(stream.Current))
                {
                    await TakeInAsync(answer, preview);
                }
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return new Followed(null, Stopped: true, Partial: answer.Preview());
        }
        finally
        {
            // An event still being read is called off first: a stream cannot be closed in the middle of a read.
            if (next is { IsCompleted: false })
            {
                await leaving.CancelAsync();
                await ((Task)next).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
            }

            await stream.DisposeAsync();
            if (typing is not null)
            {
                await typing.DisposeAsync();
            }
        }

        return new Followed(answer.Outcome, Stopped: false, Partial: "");
    }

    /// <summary>An event changed the answer: the first to name the task stores it; any other is progress.</summary>
    private async Task TakeInAsync(StreamedAnswer answer, ReplyPreview preview)
    {
        if (item.TaskId is null && answer.TaskId is not null)
        {
            item.TaskId = answer.TaskId;
            item.StreamStartedAt ??= services.Dependencies.Clock.GetUtcNow();
            conversation.ContextId = answer.ContextId ?? conversation.ContextId;
            await save();
            preview.Opened();
        }
        else if (item.TaskId is not null)
        {
            // The task moved on: a cut after this counts as a new failure, not one more of the same.
            item.AgentAttempts = 1;
        }

        preview.Changed();
    }
}

/// <summary>How following the agent ended: an outcome (null when the stream ended early), a stop, or left to another silo.</summary>
/// <param name="Partial">What a stopped answer had said so far.</param>
internal sealed record Followed(AgentOutcome? Outcome, bool Stopped, string Partial)
{
    public static Followed LeftToOthers { get; } = new(null, false, "") { Left = true };

    public bool Left { get; private init; }
}

/// <summary>The chat grain's adapters and settings, for the parts it hands work to.</summary>
internal sealed record GrainServices(GrainDependencies Dependencies, IAgentClient Agent, IChatSender Sender, ITypingIndicator Typing, ILogger Logger);
