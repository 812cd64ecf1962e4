using OrleansRouter.Agents;
using OrleansRouter.Chats;
using OrleansRouter.Telemetry;

namespace OrleansRouter.Grains.Chats;

/// <summary>
/// Shows one message's answer to the user while it grows. In a private chat, as a draft (Telegram's
/// <c>sendMessageDraft</c>, with its stop button), starting empty ("Thinking…") the moment the agent took the task;
/// in a group, as one placeholder message with a Stop button, sent once the answer has taken longer than
/// <see cref="StreamingOptions.PlaceholderGrace"/> and then edited in place. At most one update per interval, the
/// changes in between merged into it; never the same text twice (a digest of what was shown is kept with the item);
/// a preview that finds no turn free in the send budget goes when its chat has one again. Runs on the grain's scheduler:
/// the grain awaits it between two events of the stream.
/// </summary>
internal sealed class ReplyPreview(
    InboxItem item,
    long chatId,
    IChatSender sender,
    StreamingOptions options,
    TimeProvider clock,
    RouterMetrics metrics,
    Func<Task> storePlaceholder,
    Func<Task> storeShown)
{
    /// <summary>How soon a preview that found no turn free tries again, when the sender cannot say when one frees.</summary>
    private static readonly TimeSpan NoTurnPause = TimeSpan.FromMilliseconds(250);

    private DateTimeOffset? _dueAt;
    private DateTimeOffset _shownAt = DateTimeOffset.MinValue;
    private DateTimeOffset _notBefore = DateTimeOffset.MaxValue;
    private int _changes;
    private bool _failed;

    /// <summary>Something was shown, so "typing…" can stop.</summary>
    public bool Visible { get; private set; }

    private bool InGroup => item.Message.IsGroup;

    private TimeSpan Interval => InGroup ? options.GroupPreviewInterval : options.PreviewInterval;

    /// <summary>The draft's id: the same for the item on every silo, so a resumed stream goes on with the same draft.</summary>
    public long DraftId => TextDigest.Of(item.AgentMessageId) is var digest and not 0 ? digest : 1;

    /// <summary>The agent took the message on as a task: the first preview is due.</summary>
    public void Opened()
    {
        var now = clock.GetUtcNow();
        _notBefore = InGroup && item.PlaceholderId is null ? now + options.PlaceholderGrace : now;
        _dueAt ??= _notBefore;
    }

    /// <summary>The answer changed: it is shown at the next turn the interval allows.</summary>
    public void Changed()
    {
        _changes++;
        if (_notBefore == DateTimeOffset.MaxValue)
        {
            // The agent has not taken the message on as a task: nothing to show yet.
            return;
        }

        var now = clock.GetUtcNow();
        var next = Moments.Latest(_shownAt + Interval, _notBefore, now);

        // A change brings the next preview forward from a draft's keep-alive, to the next turn the interval allows.
        if (!_failed && (_dueAt is null || next < _dueAt))
        {
            _dueAt = next;
        }
    }

    /// <summary>How long until a preview is due; null when none is.</summary>
    public TimeSpan? DueIn()
    {
        if (_dueAt is not { } due || _failed)
        {
            return null;
        }

        var wait = due - clock.GetUtcNow();
        return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
    }

    public async Task ShowAsync(StreamedAnswer answer, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        _dueAt = null;
        var text = ShownPart(answer.Preview());
        var digest = TextDigest.Of(text);
        var keepAlive = !InGroup && Visible && now - _shownAt >= options.DraftKeepAlive;
        if (digest == item.ShownDigest && !keepAlive && (Visible || InGroup))
        {
            ScheduleKeepAlive(now);
            return;
        }

        var outcome = await SendAsync(text, cancellationToken);
        switch (outcome)
        {
            case SendDelivered:
                metrics.PreviewsMerged(Math.Max(0, _changes - 1));
                // The first text the user sees: an empty "Thinking…" draft before it does not count.
                if (text.Length > 0 && item.ShownDigest is 0 or TextDigest.Empty)
                {
                    metrics.FirstVisible(clock.GetUtcNow() - item.Message.ReceivedAt);
                }

                _changes = 0;
                _shownAt = clock.GetUtcNow();
                Visible = true;
                item.ShownDigest = digest;
                item.Shown = answer.ArtifactLengths();
                ScheduleKeepAlive(_shownAt);
                await storeShown();
                break;
            case SendDeferred deferred:
                _dueAt = deferred.FreeAt is { } free && free > now ? free : now + NoTurnPause;
                break;
            case SendFailed { RetryAfter: { } retryAfter }:
                _dueAt = now + retryAfter;
                break;
            case SendFailed:
                // Previews are a courtesy: a chat that refuses them (drafts turned off, the placeholder deleted)
                // gets the answer all the same once it is complete.
                _failed = true;
                break;
        }
    }

    private async Task<SendOutcome> SendAsync(string text, CancellationToken cancellationToken)
    {
        if (!InGroup)
        {
            return await sender.SendDraftAsync(chatId, DraftId, text, cancellationToken);
        }

        var shown = text.Length > 0 ? text : ChatReplies.Thinking;
        if (item.PlaceholderId is { } placeholder)
        {
            return await sender.EditTextAsync(chatId, placeholder, shown, ReplyButton.Stop, preview: true, cancellationToken);
        }

        var sent = await sender.SendTextAsync(chatId, shown, item.Message.MessageId, ReplyButton.Stop, cancellationToken);
        if (sent is SendDelivered delivered)
        {
            item.PlaceholderId = delivered.MessageId;
            await storePlaceholder();
        }

        return sent;
    }

    private void ScheduleKeepAlive(DateTimeOffset from)
    {
        if (!InGroup && Visible)
        {
            _dueAt = from + options.DraftKeepAlive;
        }
    }

    /// <summary>A preview holds one message: past Telegram's limit it shows the part being written, the last one.</summary>
    private static string ShownPart(string text) => text.Length <= MessageSplitter.MaxLength ? text : MessageSplitter.Split(text)[^1];
}

/// <summary>A stable 64-bit digest of a text (FNV-1a): the same on every silo and every run, unlike string hash codes.</summary>
internal static class TextDigest
{
    /// <summary>The digest of no text: what an empty draft leaves behind.</summary>
    public const long Empty = unchecked((long)OffsetBasis);

    private const ulong OffsetBasis = 14695981039346656037UL;

    public static long Of(string text)
    {
        var hash = OffsetBasis;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return unchecked((long)hash);
    }
}
