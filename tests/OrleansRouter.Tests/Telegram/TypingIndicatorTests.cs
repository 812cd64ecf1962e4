using Microsoft.Extensions.Time.Testing;
using OrleansRouter.Chats;
using OrleansRouter.Telegram.Sending;

namespace OrleansRouter.Tests.Telegram;

public sealed class TypingIndicatorTests
{
    private sealed class CountingSender : IChatSender
    {
        private int _typing;

        public int Typing => Volatile.Read(ref _typing);

        public Task<SendOutcome> SendTextAsync(long chatId, string text, int? replyTo, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public Task<SendOutcome> SendTypingAsync(long chatId, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _typing);
            return Task.FromResult(SendOutcome.Delivered(0));
        }
    }

    private static async Task AdvanceUntilAsync(FakeTimeProvider clock, TimeSpan by, Func<bool> condition)
    {
        clock.Advance(by);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(5);
        }
    }

    [Fact]
    public async Task Typing_shows_after_the_grace_period_repeats_every_four_seconds_and_stops_when_disposed()
    {
        var clock = new FakeTimeProvider();
        var sender = new CountingSender();
        var typing = new TypingIndicator(sender, clock).Start(42);

        await AdvanceUntilAsync(clock, TimeSpan.FromMilliseconds(499), () => false);
        Assert.Equal(0, sender.Typing);
        await AdvanceUntilAsync(clock, TimeSpan.FromMilliseconds(1), () => sender.Typing == 1);
        Assert.Equal(1, sender.Typing);
        await AdvanceUntilAsync(clock, TypingIndicator.Interval, () => sender.Typing == 2);
        Assert.Equal(2, sender.Typing);

        await typing.DisposeAsync();
        clock.Advance(TypingIndicator.Interval * 3);
        Assert.Equal(2, sender.Typing);
    }

    [Fact]
    public async Task An_agent_that_answers_within_the_grace_period_costs_no_typing_call()
    {
        var clock = new FakeTimeProvider();
        var sender = new CountingSender();

        await new TypingIndicator(sender, clock).Start(42).DisposeAsync();
        clock.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(0, sender.Typing);
    }
}
