using OrleansRouter.Testing;

namespace OrleansRouter.EndToEnd;

/// <summary>
/// With the default reminder period (a minute), a silo restarted after kill -9 answers what the dead one left
/// stored within seconds: it wakes every chat with a wake reminder as it starts.
/// </summary>
public sealed class WakeOnStartTests
{
    [Fact]
    public async Task After_kill_9_the_restarted_silo_answers_the_stored_messages_long_before_a_reminder_tick()
    {
        await using var surroundings = await RouterSurroundings.StartAsync(RedisUse.Volatile, agentDelay: TimeSpan.FromMilliseconds(500));
        var environment = surroundings.Environment();
        environment["ORLEANS_STORAGE"] = "redis";
        var chats = Enumerable.Range(0, 20).Select(i => 8100L + i).ToList();
        var first = RouterProcess.Start(environment);
        await using (first)
        {
            await first.WaitForHealthyAsync();
            foreach (var chat in chats)
            {
                for (var i = 1; i <= 3; i++)
                {
                    surroundings.Telegram.Post(chat, $"m{i}");
                }
            }

            await surroundings.Telegram.WaitUntilAsync(t => t.SentCount >= 5, TimeSpan.FromSeconds(60), "the first replies");
            first.Kill();
            await first.WaitForExitAsync(TimeSpan.FromSeconds(10));
        }

        Assert.True(surroundings.Telegram.SentCount < chats.Count * 3, "everything was answered before the kill: nothing left to wake");
        await using var second = RouterProcess.Start(environment);
        await second.WaitForHealthyAsync();
        var started = DateTimeOffset.UtcNow;

        // The reminders tick a minute apart: answered within 30 s of ready, the wake on start did it.
        await surroundings.Telegram.WaitUntilAsync(
            t => chats.All(chat => Enumerable.Range(1, 3).All(i => t.SentTo(chat).Any(m => m.Text == $"reply: m{i}"))),
            TimeSpan.FromSeconds(30),
            "every stored message answered after the restart");
        TestContext.Current.TestOutputHelper?.WriteLine($"all answered {(DateTimeOffset.UtcNow - started).TotalSeconds:0.0} s after ready");
        var woken = Assert.Single(second.EventsNamed("chats.woken"));
        Assert.True(woken["chat_count"]!.GetValue<int>() > 0, woken.ToJsonString());
    }
}
