using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;
using OrleansRouter.Chats;
using OrleansRouter.Telegram.Sending;

namespace OrleansRouter.Tests.Telegram;

public sealed class TypingIndicatorTests
{
    private sealed class RecordingTyping(TimeProvider clock) : IChatSender
    {
        private readonly ConcurrentQueue<DateTimeOffset> _actions = new();

        public IReadOnlyList<DateTimeOffset> Actions => _actions.ToArray();

        public Task<SendOutcome> SendTextAsync(long chatId, string text, int? replyTo, ReplyButton? button, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public Task<SendOutcome> EditTextAsync(long chatId, int messageId, string text, ReplyButton? button, bool preview, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public Task<SendOutcome> SendDraftAsync(long chatId, long draftId, string text, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public Task<SendOutcome> AnswerButtonAsync(string callbackQueryId, string? text, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public Task<SendOutcome> SendTypingAsync(long chatId, CancellationToken cancellationToken)
        {
            _actions.Enqueue(clock.GetUtcNow());
            return Task.FromResult(SendOutcome.Delivered(0));
        }
    }

    /// <summary>Moves the fake clock on in small steps, letting the indicator's loop run between them, until the condition holds.</summary>
    private static async Task AdvanceUntilAsync(FakeTimeProvider clock, Func<bool> condition)
    {
        var limit = clock.GetUtcNow() + TimeSpan.FromMinutes(1);
        while (!condition())
        {
            Assert.True(clock.GetUtcNow() < limit, "the condition did not hold within a minute of fake time");
            clock.Advance(TimeSpan.FromMilliseconds(50));
            await Task.Delay(2);
        }
    }

    [Fact]
    public async Task Typing_shows_after_the_grace_period_repeats_every_four_seconds_and_stops_when_disposed()
    {
        var clock = new FakeTimeProvider();
        var sender = new RecordingTyping(clock);
        var start = clock.GetUtcNow();

        var typing = new TypingIndicator(sender, clock).Start(42);
        await AdvanceUntilAsync(clock, () => sender.Actions.Count >= 2);
        await typing.DisposeAsync();
        clock.Advance(TypingIndicator.Interval * 3);
        await Task.Delay(50, TestContext.Current.CancellationToken);

        var actions = sender.Actions;
        Assert.Equal(2, actions.Count);
        Assert.True(actions[0] >= start + TypingIndicator.GracePeriod, "typing showed before the grace period ended");
        Assert.True(actions[1] >= start + TypingIndicator.GracePeriod + TypingIndicator.Interval, "typing repeated too soon");
    }

    [Fact]
    public async Task An_agent_that_answers_within_the_grace_period_costs_no_typing_call()
    {
        var clock = new FakeTimeProvider();
        var sender = new RecordingTyping(clock);

        await new TypingIndicator(sender, clock).Start(42).DisposeAsync();
        clock.Advance(TimeSpan.FromSeconds(10));
        await Task.Delay(50, TestContext.Current.CancellationToken);

        Assert.Empty(sender.Actions);
    }
}
