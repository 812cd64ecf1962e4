using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using Orleans.Storage;
using OrleansRouter.Agents;
using OrleansRouter.Chats;
using OrleansRouter.Grains.Storage;
using OrleansRouter.Media;
using OrleansRouter.Personas;
using OrleansRouter.Telemetry;

namespace OrleansRouter.Grains.Chats;

/// <summary>
/// One chat. Accepting a message is a storage write and nothing more; a timer-driven pump then works through the
/// inbox strictly in order: decide (command, rate window) → call the agent → deliver the reply. Each step
/// is stored before its side effect, so after a crash the step is resumed, not lost and not repeated from scratch.
/// The grain carries the steps out; what they decide is plain code beside it: <see cref="ChatDecision"/> for what
/// to do with a message, <see cref="AnswerOutcome"/> for what to do once the agent answered, <see cref="ChatState"/>
/// for the inbox's bookkeeping, <see cref="QueueReport"/> for the gauges. The parts that talk to the outside for a
/// step are beside it too: <see cref="CommandAnswers"/>, <see cref="AnswerFollower"/>, <see cref="ReplyDelivery"/>.
/// </summary>
/// <remarks>
/// Reentrant, so that accepting never waits behind an agent call. All code still runs on the grain's own scheduler:
/// the pump is the only code that works on the inbox head, and every state write goes through one writer.
/// A reminder is registered from the first pending message on, so a chat whose silo died is woken on another.
/// </remarks>
[Reentrant]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001",
    Justification = "The deactivation token source is cancelled in OnDeactivateAsync; it never creates a wait handle or timer to release.")]
public sealed class ChatGrain : Grain, IChatGrain, IRemindable
{
    /// <summary>The reminder a chat with work pending keeps: <c>PendingChatWaker</c> looks for it too.</summary>
    public const string WakeReminder = "wake";

    private readonly IPersistentState<ChatState> _state;
    private readonly IPersistentState<ReplyProgress> _progress;
    private readonly GrainDependencies _services;
    private readonly IAgentClient _agent;
    private readonly IChatSender _sender;
    private readonly ITypingIndicator _typing;
    private readonly ILogger<ChatGrain> _logger;
    private readonly CoalescingWriter _writer;
    private readonly CoalescingWriter _progressWriter;
    private readonly SerialGate _reminders = new();
    private readonly QueueReport _queue;
    private readonly GrainServices _adapters;
    private readonly ReplyDelivery _delivery;
    private readonly CommandAnswers _commandAnswers;
    private readonly FileFetcher _fileFetcher;
    private readonly string _chatHash;

    /// <summary>Updates whose accept is still on its way to storage, with the write that stores them.</summary>
    private readonly Dictionary<long, Task> _storing = [];
    private IGrainTimer? _wake;
    private bool _pumping;
    private bool _deactivating;
    private bool _acceptedSinceTick;
    private InboxItem? _attemptStoredWithAccept;
    private int _pumpFailures;
    private readonly CancellationTokenSource _deactivation = new();

    /// <summary>The answer being followed, for a stop request to end; null while none is.</summary>
    private AnswerFollower? _following;

    /// <summary>Push notifications taken for the head's task: one that came during a follow is not missed after it.</summary>
    private int _notices;

    public ChatGrain(
        [PersistentState("chat", StorageNames.Chats)] IPersistentState<ChatState> state,
        [PersistentState("reply", StorageNames.Chats)] IPersistentState<ReplyProgress> progress,
        GrainDependencies services,
        IAgentClient agent,
        IChatSender sender,
        ITypingIndicator typing,
        IChatMembers members,
        IChatFiles files,
        ChatCommandOptions commands,
        ILogger<ChatGrain> logger)
    {
        _state = state;
        _services = services;
        _agent = agent;
        _sender = sender;
        _typing = typing;
        _logger = logger;
        _writer = new CoalescingWriter(() => _state.WriteStateAsync());
        _progress = progress;
        _progressWriter = new CoalescingWriter(() => _progress.WriteStateAsync());
        _queue = new QueueReport(services.Gauge);
        _adapters = new GrainServices(services, agent, sender, typing, logger);

        // The grain's identity is known from its construction on.
        _chatHash = services.Hasher.Hash(ChatId);
        _delivery = new ReplyDelivery(ChatId, _chatHash, sender, services.Options, logger);
        _fileFetcher = new FileFetcher(files, services.Media);
        _commandAnswers = new CommandAnswers(ChatId, _chatHash, members, commands, services.Personas, sender, logger);
    }

    private long ChatId => this.GetPrimaryKeyLong();

    private ChatState State => _state.State;

    private DateTimeOffset Now => _services.Clock.GetUtcNow();

    private Persona CurrentPersona => _services.Personas.Resolve(ChatId, State.ChosenPersona);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (State.Head() is { } head)
        {
            _progress.State.ApplyTo(head);
        }

        ReportQueue();
        if (State.Inbox.Count > 0)
        {
            ScheduleWake(State.WaitForHead(Now));
        }

        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _wake?.Dispose();
        await _deactivation.CancelAsync();
        await _writer.FlushAsync().ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
        await _progressWriter.FlushAsync().ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
        _queue.Withdraw();
    }

    async Task<AcceptResult> IChatGrain.AcceptAsync(InboundMessage message)
    {
        if (State.HasSeen(message.UpdateId))
        {
            ChatLog.Duplicate(_logger, message.UpdateId, _chatHash);

            // The first delivery may still be on its way to storage: only a stored update may be confirmed.
            if (_storing.TryGetValue(message.UpdateId, out var first))
            {
                await first;
            }

            return AcceptResult.Duplicate;
        }

        var accepted = State.Accept(message, _services.Options.MaxDepthPerChat);
        var storing = StoreAcceptedAsync(accepted);
        _storing[message.UpdateId] = storing;
        try
        {
            await storing;
        }
        finally
        {
            _storing.Remove(message.UpdateId);
        }

        if (accepted.Overflowed)
        {
            ChatLog.Overflow(_logger, _chatHash, State.Inbox.Count, message.UpdateId);
        }
        else
        {
            ChatLog.Accepted(_logger, message.UpdateId, _chatHash, State.Inbox.Count);
            ChatLog.Text(_logger, _chatHash, message.UpdateId, message.Text);
        }

        _acceptedSinceTick = true;
        Kick();
        return accepted.Overflowed ? AcceptResult.Overflowed : AcceptResult.Accepted;
    }

    private async Task StoreAcceptedAsync(Acceptance accepted)
    {
        // A stop request marks the answer it stops in the same write that stores it, so the stop survives a crash.
        var stops = accepted.Item is { } request ? ChatStop.Target(State, request) : null;
        if (stops is not null)
        {
            stops.StopRequested = true;
            accepted.Item!.StopApplied = true;
        }

        // An album waits a moment for its other parts, however they arrive; each part that joins it extends the wait.
        if ((accepted.Item ?? accepted.JoinedAlbum) is { Message.MediaGroupId: not null } album)
        {
            album.NextAttemptAt = Now + _services.Media.AlbumWait;
        }

        try
        {
            await PrepareFirstCallAsync(accepted.Item);

            // Registered before the message is stored: a stored message always has a way to be woken.
            await EnsureWakeReminderAsync();
            await SaveAsync();
        }
        catch (Exception e)
        {
            if (stops is not null)
            {
                stops.StopRequested = false;
            }

            Undo(accepted, e);
            throw;
        }

        if (stops is not null)
        {
            _services.Metrics.StreamCancelled(ChatStop.How(accepted.Item!.Message));
            _following?.Stop();

            // A head waiting to be tried again (a retry, a push notification) is stopped now, not when it is due.
            stops.NextAttemptAt = null;
        }
    }

    /// <summary>
    /// A text message into an idle chat is called at once. Its rate window is taken and its first attempt marked
    /// before the accept is written, so that one write stores the message and the attempt, and the agent is
    /// called without waiting for a second one. Any other message is decided by the pump as usual, a refusal of the
    /// rate window too: the pump asks the window again and tells the user.
    /// </summary>
    private async Task PrepareFirstCallAsync(InboxItem? item)
    {
        // A message with files waits for the pump: it asks the agent's card first whether it takes them.
        if (item is null || _pumping || State.Inbox.Count != 1 || _services.Drain.IsDraining || item.Message.HasFiles
            || ChatDecision.Of(item, State.MovedTo, _services.Media.MaxBytes) is not ChatDecision.Call)
        {
            return;
        }

        var persona = CurrentPersona;
        if (ChatDecision.Rated(await TakeRateWindowAsync(persona)) is ChatDecision.Call)
        {
            BeginCall(item, persona);
            item.AgentAttempts = 1;
            _attemptStoredWithAccept = item;
        }
    }

    Task<PushReceipt> IChatGrain.NotifyAsync(PushNotice notice)
    {
        var head = State.Head();
        if (head is not { Stage: InboxStage.Calling, PushToken: { } token } || head.TaskId != notice.TaskId)
        {
            return Task.FromResult(PushReceipt.Ignored);
        }

        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(token), Encoding.UTF8.GetBytes(notice.Token)))
        {
            return Task.FromResult(PushReceipt.Refused);
        }

        // Being followed now: the follow sees the change, or, if it ends first, asks again at once.
        _notices++;
        if (head.NextAttemptAt is null)
        {
            return Task.FromResult(PushReceipt.Ignored);
        }

        head.NextAttemptAt = null;
        Kick();
        return Task.FromResult(PushReceipt.Woke);
    }

    Task<ChatSnapshot> IChatGrain.GetState()
    {
        var head = State.Head();
        return Task.FromResult(new ChatSnapshot(
            ChatId,
            CurrentPersona.Name,
            State.Inbox.Count,
            head is { Stage: InboxStage.Calling or InboxStage.Replying, NextAttemptAt: null },
            head?.AgentAttempts ?? 0,
            head?.NextAttemptAt,
            State.DeadLetters.Count,
            head?.Message.ReceivedAt,
            State.Overflowed));
    }

    async Task IChatGrain.AdoptAsync(ChatHandover handover)
    {
        // Behind the message the pump is working on, if any; ahead of everything else. A message taken before
        // (the same handover again) is recognised by its update id.
        var insertAt = _pumping && State.Inbox.Count > 0 ? 1 : 0;
        ChatMigration.Adopt(ChatId, State, handover, insertAt);
        await EnsureWakeReminderAsync();
        await SaveAsync();
        Kick();
    }

    /// <summary>The wake reminder: resumes pending work, or retires itself once the inbox is empty.</summary>
    async Task IRemindable.ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != WakeReminder)
        {
            return;
        }

        if (State.Inbox.Count > 0)
        {
            ScheduleWake(State.WaitForHead(Now));
            return;
        }

        // A chat that had messages since the last tick keeps its reminder: registering it costs a storage write
        // on the accept path, and a busy chat would pay it over and over.
        var active = _acceptedSinceTick;
        _acceptedSinceTick = false;
        if (active)
        {
            return;
        }

        await _reminders.RunAsync(async () =>
        {
            if (State.Inbox.Count > 0 || _acceptedSinceTick)
            {
                return;
            }

            if (State.WakeReminderSet)
            {
                State.WakeReminderSet = false;
                await SaveAsync();
            }

            // Whatever the flag says: a reminder left behind by a crash would otherwise tick forever.
            if (await this.GetReminder(WakeReminder) is { } reminder)
            {
                await this.UnregisterReminder(reminder);
            }
        });
    }

    private async Task EnsureWakeReminderAsync()
    {
        if (State.WakeReminderSet)
        {
            return;
        }

        await _reminders.RunAsync(async () =>
        {
            if (!State.WakeReminderSet)
            {
                await this.RegisterOrUpdateReminder(WakeReminder, _services.ReminderPeriod, _services.ReminderPeriod);
                State.WakeReminderSet = true;
            }
        });
    }

    /// <summary>Takes back an accept whose write failed, so a redelivery of the update is accepted again.</summary>
    private void Undo(Acceptance accepted, Exception failure)
    {
        State.TakeBack(accepted);
        if (_attemptStoredWithAccept == accepted.Item)
        {
            _attemptStoredWithAccept = null;
        }

        ReportQueue();

        // A write the storage refused (a primary with no replica, say, during a Redis failover) stored nothing:
        // memory still agrees with storage, and what this activation did meanwhile, a reply it delivered say, goes
        // with its next write. Reloading would forget that and send the reply again on every refused accept.
        // After any other failure the storage may hold a different version than memory: start from what it holds.
        if (!WriteRefusal.StoredNothing(failure))
        {
            Deactivate();
        }
    }

    /// <summary>Deactivates as soon as the grain is idle; the pump stops at its next step so that happens soon.</summary>
    private void Deactivate()
    {
        _deactivating = true;
        DeactivateOnIdle();
    }

    /// <summary>Starts the pump now, on the grain's scheduler, unless it runs already.</summary>
    private void Kick()
    {
        if (!_pumping)
        {
            _ = PumpAsync(_deactivation.Token);
        }
    }

    /// <summary>Starts the pump after <paramref name="due"/>, by a grain timer: for retries and pacing.</summary>
    private void ScheduleWake(TimeSpan due)
    {
        due = due < TimeSpan.Zero ? TimeSpan.Zero : due;
        if (_wake is null)
        {
            _wake = this.RegisterGrainTimer(PumpAsync, new GrainTimerCreationOptions(due, Timeout.InfiniteTimeSpan)
            {
                Interleave = true,
                KeepAlive = true,
            });
        }
        else
        {
            _wake.Change(due, Timeout.InfiniteTimeSpan);
        }
    }

    private async Task PumpAsync(CancellationToken cancellationToken)
    {
        if (_pumping)
        {
            return;
        }

        _pumping = true;

        // A running pump is work in flight: a draining silo waits for it to reach a stored resting point.
        using var working = _services.Gauge.TrackInFlight();
        try
        {
            while (State.Inbox.Count > 0 && !cancellationToken.IsCancellationRequested && !_deactivating)
            {
                var head = State.Inbox[0];

                // Not stored yet: its accept wakes the pump once it is.
                if (_storing.ContainsKey(head.Message.UpdateId))
                {
                    return;
                }

                // A stopping silo finishes replies already under way and leaves the rest stored for the others. Once
                // its drain is over, not even a reply goes: its send could land and its write not, and the silo that
                // takes the chat over would send it again. (The flag is read after the pump counts as in flight, so
                // the drain, waiting a second time after setting it, sees every pump that missed it.)
                if (_services.Drain.IsFinished || (_services.Drain.IsDraining && head.Stage != InboxStage.Replying))
                {
                    return;
                }

                var wait = State.WaitForHead(Now);
                if (wait > TimeSpan.Zero)
                {
                    ScheduleWake(wait);
                    return;
                }

                // Every line logged during the step, the agent client's and the sender's too, names the chat and persona.
                using (_logger.BeginScope(new Dictionary<string, object> { ["chat_id_hash"] = _chatHash, ["persona_tag"] = CurrentPersona.Tag }))
                using (var step = RouterTracing.StartUnder(head.Message.TraceParent, "chat.step"))
                {
                    step?.SetTag("chat.stage", head.Stage.ToString());
                    step?.SetTag("chat_id_hash", _chatHash);
                    await AdvanceAsync(head, cancellationToken);
                }

                _pumpFailures = 0;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Deactivating: the stored stage of the head item resumes it on the next activation.
        }
        catch (InconsistentStateException e)
        {
            // Memory and storage disagree (a write that timed out but went through, say): start again from storage.
            // The wake reminder brings the chat back.
            ChatLog.PumpFailed(_logger, e.GetType().Name, _chatHash, TimeSpan.Zero);
            Deactivate();
        }
        catch (Exception e)
        {
            // Storage down, a bug in an adapter…: try again later, backing off like any retry.
            var delay = RetryPolicy.Delay(_services.Options, ++_pumpFailures);
            ChatLog.PumpFailed(_logger, e.GetType().Name, _chatHash, delay);
            ScheduleWake(delay);
        }
        finally
        {
            _pumping = false;
            ReportQueue();
        }
    }

    private Task AdvanceAsync(InboxItem item, CancellationToken cancellationToken) => item.Stage switch
    {
        InboxStage.Received => DecideAsync(item, cancellationToken),
        InboxStage.Calling => CallAgentAsync(item, cancellationToken),
        _ => DeliverAsync(item, cancellationToken),
    };

    private async Task DecideAsync(InboxItem item, CancellationToken cancellationToken)
    {
        switch (ChatDecision.Of(item, State.MovedTo, _services.Media.MaxBytes))
        {
            case ChatDecision.HandOver handOver:
                await HandOverAsync(handOver.Supergroup, except: handOver.ItemAnnouncesIt ? item : null);
                return;
            case ChatDecision.Overflow:
                await ReplyAsync(item, ChatReplies.Overflow);
                return;
            case ChatDecision.Unsupported:
                await ReplyAsync(item, ChatReplies.Unsupported);
                return;
            case ChatDecision.FileTooLarge large:
                FileRefused(large.File, "too_large");
                await ReplyAsync(item, ChatReplies.FileTooLarge(large.File, large.Limit));
                return;
            case ChatDecision.Command command:
                switch (await _commandAnswers.AnswerAsync(item, command.Parsed, State, cancellationToken))
                {
                    case CommandAnswer.Say say:
                        await ReplyAsync(item, say.Text);
                        return;
                    case CommandAnswer.Done:
                        await CompleteAsync(item);
                        return;
                }

                break;
        }

        // Text for the agent (a command too, when it is this bot's but not the router's): the rate window decides.
        var persona = CurrentPersona;
        if (item.Message.Files is { Length: > 0 } files && await RefusedFileAsync(persona, files, cancellationToken) is { } refusal)
        {
            await ReplyAsync(item, refusal);
            return;
        }

        if (ChatDecision.Rated(await TakeRateWindowAsync(persona)) is ChatDecision.Refuse { Window: var window })
        {
            ChatLog.RateLimitHit(_logger, _chatHash, persona.Tag, window.Scope, window.RetryAt);
            _services.Metrics.RateLimitHit(persona.Name);
            await ReplyAsync(item, ChatReplies.RateLimited(persona, window.RetryAt ?? Now, Now));
            return;
        }

        BeginCall(item, persona);
        await CallAgentAsync(item, cancellationToken);
    }

    /// <summary>
    /// What the user is told when the agent's card does not take one of the files; null when it takes them all, or when
    /// its card cannot be read now (the call then meets the same trouble, and is tried again like any).
    /// </summary>
    private async Task<string?> RefusedFileAsync(Persona persona, InboundFile[] files, CancellationToken cancellationToken)
    {
        if (await _agent.InputModesAsync(persona, cancellationToken) is not { } modes || files.FirstOrDefault(f => !modes.Accepts(f.MediaType)) is not { } refused)
        {
            return null;
        }

        FileRefused(refused, "not_accepted");
        return ChatReplies.FileNotAccepted(persona, refused, modes);
    }

    /// <summary>The message goes to the agent from now on, with a token for the push notifications of its task.</summary>
    private void BeginCall(InboxItem item, Persona persona)
    {
        item.BeginCall(persona.Name);
        item.PushToken ??= _services.Push is null ? null : PushAddresses.NewToken();
    }

    /// <summary>Counts the message against the persona's rate window; a persona without one costs no grain call.</summary>
    private Task<RateDecision> TakeRateWindowAsync(Persona persona) => persona.RateWindow is null
        ? Task.FromResult(RateDecision.Allow)
        : GrainFactory.GetGrain<IPersonaGrain>(persona.Name).TryAcquireAsync(ChatId);

    private async Task CallAgentAsync(InboxItem item, CancellationToken cancellationToken)
    {
        // The map may have changed since the call was first made (a restart with a new map): fall back to the current persona.
        var persona = _services.Personas.Find(item.Persona) ?? CurrentPersona;
        var conversation = State.ConversationWith(persona.Name);
        if (item.StopRequested)
        {
            await StopAsync(item, persona, conversation, partial: "", cancellationToken);
            return;
        }

        // Attempts that never came back (the process died during the call, again and again) count too.
        if (item.AgentAttempts >= _services.Options.RetryMaxAttempts)
        {
            DeadLetter(item, $"agent: no answer after {item.AgentAttempts} attempts");
            await ReplyAsync(item, ChatReplies.AgentUnavailable(persona));
            return;
        }

        if (_attemptStoredWithAccept == item)
        {
            _attemptStoredWithAccept = null;
        }
        else
        {
            item.AgentAttempts++;
            item.NextAttemptAt = null;
            await SaveAsync();
        }

        if (await FilesForCallAsync(item, cancellationToken) is not { } files)
        {
            return;
        }

        using var following = new AnswerFollower(item, conversation, persona, ChatId, _chatHash,
            _adapters, SaveAsync, () => SaveProgressAsync(item), files);
        _following = following;
        var notices = _notices;
        Followed followed;
        try
        {
            followed = await following.FollowAsync(cancellationToken);
        }
        finally
        {
            _following = null;
        }

        switch (AnswerOutcome.Of(followed, item, conversation, Now, _services.Streaming, await AgentNotifiesAsync(item, persona, cancellationToken)))
        {
            case AnswerOutcome.Stop stop:
                await StopAsync(item, persona, conversation, stop.Partial, cancellationToken);
                break;
            case AnswerOutcome.AwaitPush:
                await AwaitPushAsync(item, persona, notices);
                break;
            case AnswerOutcome.AwaitAuthorization auth:
                await AwaitAuthorizationAsync(item, persona, auth, notices, cancellationToken);
                break;
            case AnswerOutcome.Reply reply:
                await ReplyAsync(item, reply.Text);
                break;
            case AnswerOutcome.Failed failed:
                await OnAgentFailedAsync(item, persona, failed.Failure);
                break;
            case AnswerOutcome.LeftToOthers or AnswerOutcome.CallAgain:
                // Nothing to carry out: another silo follows the task on, or the pump calls the agent again.
                break;
        }
    }

    /// <summary>
    /// The task asks the user to authorize the agent. The first time, the user is shown what the agent says, with a
    /// login button when it names a web address (recorded before it goes, so it goes once); then the chat keeps
    /// following the task every <see cref="StreamingOptions.AuthPollInterval"/>, for the agent to go on, which it
    /// does once the user has logged in; or, where the agent notifies, waits for its notification. Waiting for the
    /// user is not a failed attempt.
    /// </summary>
    private async Task AwaitAuthorizationAsync(InboxItem item, Persona persona, AnswerOutcome.AwaitAuthorization auth, int noticesBefore, CancellationToken cancellationToken)
    {
        if (item.AuthRequiredSince is null)
        {
            item.AuthRequiredSince = Now;
            await SaveAsync();
            var prompt = MessageSplitter.Split(ChatReplies.FromAgent(auth.Auth))[0];
            var button = LoginLink.In(auth.Auth.Text) is { } url ? new ReplyButton(ChatReplies.LogIn, Url: url) : null;
            var replyTo = item.Message.IsGroup ? item.Message.MessageId : (int?)null;
            if (await _sender.SendTextAsync(ChatId, prompt, replyTo, button, cancellationToken) is SendFailed failed)
            {
                ChatLog.SendFailed(_logger, _chatHash, failed.Class.Label(), failed.Code, 1, failed.Detail);
            }
        }

        if (auth.ByPush)
        {
            await AwaitPushAsync(item, persona, noticesBefore);
            return;
        }

        item.AgentAttempts = 0;
        await WaitForRetryAsync(item, _services.Streaming.AuthPollInterval, "auth_required");
    }

    /// <summary>
    /// Whether the agent will notify the router about the head's task: the router has a push address, the task was
    /// registered with a token, and the agent's card says it notifies (a cached card: no call, as a rule).
    /// </summary>
    private async Task<bool> AgentNotifiesAsync(InboxItem item, Persona persona, CancellationToken cancellationToken) =>
        _services.Push is not null && item is { PushToken: not null, TaskId: not null }
        && await _agent.PushesAsync(persona, cancellationToken);

    /// <summary>
    /// Leaves the task to the agent's push notification (<see cref="IChatGrain.NotifyAsync"/>), with no stream open,
    /// asking for it every <see cref="StreamingOptions.PushFallbackPoll"/> in case a notification is lost; at once
    /// when one came since <paramref name="noticesBefore"/> (while it was being followed, or since). Not a failed
    /// attempt. A notice that comes after this is counted finds the wait set (synchronously, below) and ends it.
    /// </summary>
    private async Task AwaitPushAsync(InboxItem item, Persona persona, int noticesBefore)
    {
        var notified = _notices != noticesBefore;
        if (!item.AwaitsPush)
        {
            item.AwaitsPush = true;
            ChatLog.AwaitingPush(_logger, _chatHash, persona.Tag);
        }

        item.AgentAttempts = 0;
        await WaitForRetryAsync(item, notified ? TimeSpan.Zero : _services.Streaming.PushFallbackPoll, "awaiting_push");
    }

    /// <summary>The user stopped the answer: the agent is asked to cancel its task, and the chat says it stopped.</summary>
    private async Task StopAsync(InboxItem item, Persona persona, Conversation conversation, string partial, CancellationToken cancellationToken)
    {
        if (item.TaskId is { } taskId)
        {
            var cancelled = await _agent.CancelAsync(new AgentTask(persona, taskId, conversation.ContextId), cancellationToken);
            ChatLog.StreamStopped(_logger, _chatHash, persona.Tag, cancelled is AgentFailure failure ? failure.Code : "canceled");
        }

        conversation.PendingTaskId = null;
        await ReplyAsync(item, ChatReplies.Stopped(partial));
    }

    private async Task OnAgentFailedAsync(InboxItem item, Persona persona, AgentFailure failure)
    {
        ChatLog.AgentFailed(_logger, _chatHash, persona.Tag, failure.Class.Label(), failure.Code, item.AgentAttempts, failure.Detail);
        _services.Metrics.AgentFailed(failure.Class, persona.Name);
        if (failure.Class == FailureClass.Transient && item.AgentAttempts < _services.Options.RetryMaxAttempts)
        {
            await WaitForRetryAsync(item, RetryPolicy.Delay(_services.Options, item.AgentAttempts), failure.Code);
            return;
        }

        DeadLetter(item, $"agent {failure.Code}: {failure.Detail}");
        await ReplyAsync(item, ChatReplies.AgentUnavailable(persona));
    }

    /// <summary>
    /// The message's files, fetched for this call (none for a task followed again); null when one could not be, which
    /// is carried out already: a retry, or the user told.
    /// </summary>
    private async Task<IReadOnlyList<AgentFile>?> FilesForCallAsync(InboxItem item, CancellationToken cancellationToken)
    {
        if (item.TaskId is not null || item.Message.Files is not { Length: > 0 } wanted)
        {
            return [];
        }

        var fetch = await _fileFetcher.FetchAsync(wanted, cancellationToken);
        if (fetch is FilesUnavailable unavailable)
        {
            await OnFileFailedAsync(item, unavailable);
            return null;
        }

        foreach (var file in wanted)
        {
            _services.Metrics.MediaIn(file.Kind.ToString(), "forwarded");
        }

        return ((FilesFetched)fetch).Files;
    }

    private void FileRefused(InboundFile file, string why)
    {
        ChatLog.FileRefused(_logger, _chatHash, file.Kind.ToString(), file.MediaType, why);
        _services.Metrics.MediaIn(file.Kind.ToString(), why);
    }

    /// <summary>A file could not be fetched from Telegram: tried again like an agent call, else the user is told.</summary>
    private async Task OnFileFailedAsync(InboxItem item, FilesUnavailable unavailable)
    {
        var (file, failure) = unavailable;
        ChatLog.FileFetchFailed(_logger, _chatHash, file.Kind.ToString(), failure.Class.Label(), failure.Code, item.AgentAttempts, failure.Detail);
        _services.Metrics.MediaIn(file.Kind.ToString(), "fetch_failed");
        if (failure.Class == FailureClass.Transient && item.AgentAttempts < _services.Options.RetryMaxAttempts)
        {
            await WaitForRetryAsync(item, RetryPolicy.Delay(_services.Options, item.AgentAttempts), failure.Code);
            return;
        }

        DeadLetter(item, $"telegram file {failure.Code}: {failure.Detail}");
        await ReplyAsync(item, failure.Code == FileFetcher.TooLargeCode
            ? ChatReplies.FileTooLarge(file, _services.Media.MaxBytes)
            : ChatReplies.FileUnavailable(file));
    }

    private Task ReplyAsync(InboxItem item, string text)
    {
        item.BeginReply(text);

        // Every reply is stored before its first part goes. Then a crash half way never sends the first parts
        // again, and the write is a fence: while silos join and leave, Orleans may briefly run a chat twice, and the
        // second activation's write fails on the storage ETag (InconsistentStateException) before it sends anything.
        return SaveAsync();
    }

    private async Task DeliverAsync(InboxItem item, CancellationToken cancellationToken)
    {
        switch (await _delivery.SendAsync(item, () => SaveProgressAsync(item), cancellationToken))
        {
            case Delivery.Sent:
                ChatLog.Delivered(_logger, item.Message.UpdateId, _chatHash, (Now - item.Message.ReceivedAt).TotalMilliseconds);
                _services.Metrics.Delivered(Now - item.Message.ReceivedAt);
                await CompleteAsync(item);
                break;
            case Delivery.Retry retry:
                await WaitForRetryAsync(item, retry.Delay, retry.Cause);
                break;
            case Delivery.GiveUp giveUp:
                DeadLetter(item, giveUp.Reason);
                await CompleteAsync(item);
                break;
            case Delivery.MovedTo moved:
                await HandOverAsync(moved.Supergroup, except: null);
                break;
        }
    }

    /// <summary>
    /// Records when the head may be tried again. A silo holds at most RETRY_CACHE_CAPACITY chats waiting for a
    /// retry in memory; a chat beyond that deactivates, and its reminder wakes it.
    /// </summary>
    private async Task WaitForRetryAsync(InboxItem item, TimeSpan delay, string cause)
    {
        item.NextAttemptAt = Now + delay;
        item.LastFailure = cause;
        await (item.Stage == InboxStage.Replying ? SaveProgressAsync(item) : SaveAsync());
        if (_services.Gauge.Retrying > _services.Options.RetryCacheCapacity)
        {
            ChatLog.RetryParked(_logger, _chatHash, _services.Gauge.Retrying);
            Deactivate();
        }
    }

    /// <summary>Moves the conversation and every unanswered message to the supergroup this group became.</summary>
    private async Task HandOverAsync(long supergroup, InboxItem? except)
    {
        var handed = ChatMigration.HandedOver(State, except);
        var handover = ChatMigration.Handover(ChatId, State, handed);
        await GrainFactory.GetGrain<IChatGrain>(supergroup).AdoptAsync(handover);
        ChatLog.Migrated(_logger, _chatHash, _services.Hasher.Hash(supergroup), handover.Messages.Count);
        ChatMigration.MoveOut(State, supergroup, handed, except);
        await SaveAsync();
    }

    private void DeadLetter(InboxItem item, string reason)
    {
        ChatLog.DeadLettered(_logger, item.Message.UpdateId, _chatHash, item.Stage.ToString(), reason);
        State.KeepDeadLetter(item, reason, Now);
    }

    private Task CompleteAsync(InboxItem item)
    {
        State.Complete(item);
        return SaveAsync();
    }

    private Task SaveAsync()
    {
        ReportQueue();
        return _writer.SaveAsync();
    }

    /// <summary>
    /// Stores how far the reply being sent has got, and nothing else: the reply itself was stored before its first
    /// part went (see <see cref="ReplyAsync"/>).
    /// </summary>
    private Task SaveProgressAsync(InboxItem item)
    {
        _progress.State.Record(item);
        ReportQueue();
        return _progressWriter.SaveAsync();
    }

    private void ReportQueue() => _queue.Report(State);
}
