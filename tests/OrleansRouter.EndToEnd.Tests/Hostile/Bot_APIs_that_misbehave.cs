using OrleansRouter.Testing;
using OrleansRouter.Testing.Hostile;

namespace OrleansRouter.EndToEnd.Hostile;

/// <summary>
/// A Bot API that is slow, answers garbage, answers 5xx, or floods 429s with <c>retry_after</c>, for a spell
/// (<see cref="HostileBotApiRun"/>): the router stays up, does not spin, and once the API behaves again every
/// message it had accepted, and every one written during the spell, is answered exactly once, in order.
/// </summary>
public sealed class Bot_APIs_that_misbehave(HostileBotApiRun run) : IClassFixture<HostileBotApiRun>
{
    /// <summary>
    /// Requests in any one second of a spell. Three chats each retry a send (0.5-2 s apart, or after retry_after),
    /// show typing, and one poller backs off from one second up: about ten a second at worst. A client without
    /// pacing makes hundreds.
    /// </summary>
    private const int MostRequestsPerSecond = 30;

    public static TheoryData<BotApiMisbehaviour> Misbehaviours =>
        [BotApiMisbehaviour.Slow, BotApiMisbehaviour.GarbageBodies, BotApiMisbehaviour.ServerErrors, BotApiMisbehaviour.TooManyRequests];

    [Theory]
    [MemberData(nameof(Misbehaviours))]
    public async Task The_router_stays_up_does_not_spin_and_answers_every_message_once_in_order_when_the_API_behaves_again(BotApiMisbehaviour misbehaviour)
    {
        var chats = Enumerable.Range(0, 3).Select(i => 556_000_000L + (int)misbehaviour * 10 + i).ToList();
        var firsts = chats.Select(chat => run.Telegram.Post(chat, $"before the spell ({misbehaviour})")).ToList();

        // Accepted and confirmed, with the replies still to come (the agent takes a second): then the spell begins.
        await run.Telegram.WaitUntilAsync(t => firsts.All(u => t.ConfirmedAt.ContainsKey(u)), TimeSpan.FromSeconds(60), "the first messages confirmed");
        var spell = DateTimeOffset.UtcNow;
        run.Api.Misbehaviour = misbehaviour;
        DateTimeOffset spellEnded;
        try
        {
            // Written while the poll open since before the spell waits: it returns them and the next poll meets the spell.
            foreach (var chat in chats)
            {
                run.Telegram.Post(chat, $"during the spell ({misbehaviour})");
            }

            // Written once a poll of the spell is open: the router must get these through the spell itself.
            await Traffic.WaitUntilAsync(() => Task.FromResult(Since(spell, "getUpdates") >= 1), TimeSpan.FromSeconds(60), () => "a poll during the spell");
            foreach (var chat in chats)
            {
                run.Telegram.Post(chat, $"late in the spell ({misbehaviour})");
            }

            // The spell lasts until the router has met it on both paths: every reply tried (and, where refused, tried
            // again), and polls retried (a slow poll that passes waits out its long poll: one retry is enough there).
            var polls = misbehaviour == BotApiMisbehaviour.Slow ? 2 : 3;
            var sends = misbehaviour is BotApiMisbehaviour.ServerErrors or BotApiMisbehaviour.TooManyRequests ? 2 * chats.Count : chats.Count;
            await Traffic.WaitUntilAsync(
                () => Task.FromResult(Since(spell, "sendMessage") >= sends && Since(spell, "getUpdates") >= polls),
                TimeSpan.FromSeconds(60),
                () => $"sends and polls during the spell: {Since(spell, "sendMessage")} sends, {Since(spell, "getUpdates")} polls");
        }
        finally
        {
            run.Api.Misbehaviour = BotApiMisbehaviour.None;
            spellEnded = DateTimeOffset.UtcNow;
        }

        await run.Telegram.WaitUntilAsync(
            t => chats.All(c => t.SentTo(c).Count >= 3), TimeSpan.FromSeconds(90), "three replies in every chat once the API behaves");

        Assert.False(run.Router.HasExited, run.Router.Output);
        Assert.All(chats, chat => Assert.Equal(
            [$"reply: before the spell ({misbehaviour})", $"reply: during the spell ({misbehaviour})", $"reply: late in the spell ({misbehaviour})"],
            run.Telegram.SentTo(chat).Select(m => m.Text)));
        var most = run.Api.MostRequestsInOneSecond(spell, spellEnded);
        Assert.True(most <= MostRequestsPerSecond, $"{most} requests within one second of the spell ({run.Api.Requests.Count(r => r.At >= spell && r.At < spellEnded)} in {(spellEnded - spell).TotalSeconds:0.0} s)");
        var (status, _) = await run.Router.HealthAsync();
        Assert.True(status is 200 or 503, $"/healthz answered {status}");
        await run.Router.WaitForHealthyAsync(TimeSpan.FromSeconds(60));
    }

    private int Since(DateTimeOffset from, string method) => run.Api.Requests.Count(r => r.At >= from && r.Method == method);
}
