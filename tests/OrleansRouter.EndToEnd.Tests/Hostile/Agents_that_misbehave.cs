using OrleansRouter.Testing;

namespace OrleansRouter.EndToEnd.Hostile;

/// <summary>
/// Agents that misbehave in the ways a broken or malicious one can (<see cref="AgentMisbehaviour"/>), each behind a
/// persona of one router (<see cref="MisbehavingAgentsRun"/>): the persona may be degraded, the rest may not.
/// </summary>
public sealed class Agents_that_misbehave(MisbehavingAgentsRun run) : IClassFixture<MisbehavingAgentsRun>
{
    public static TheoryData<AgentMisbehaviour> Misbehaviours =>
    [
        AgentMisbehaviour.CardPointsElsewhere,
        AgentMisbehaviour.RedirectsElsewhere,
        AgentMisbehaviour.NeverFinalTask,
        AgentMisbehaviour.DeepJson,
        AgentMisbehaviour.OneBytePerHalfSecond,
        AgentMisbehaviour.GarbageBytes,
        AgentMisbehaviour.CutBody,
    ];

    [Theory]
    [MemberData(nameof(Misbehaviours))]
    public Task The_router_stays_up_other_chats_are_answered_no_credential_leaves_and_the_user_hears_back_in_bounded_time(AgentMisbehaviour misbehaviour) =>
        HostileAgentChecks.RunAsync(run, misbehaviour);

    [Fact]
    public async Task No_card_request_carries_a_credential_when_the_card_does_not_ask_for_one()
    {
        var agents = run.Agents.ToList();
        await Traffic.WaitUntilAsync(() => Task.FromResult(agents.All(a => a.Value.CardRequests.Count > 0)), TimeSpan.FromSeconds(60), () => "a card request to every agent");

        var carrying = agents
            .Where(a => a.Value.CardRequests.Any(r => r.Headers.Values.Any(v => HostileAgentsRun.Tokens.Any(t => v.Contains(t, StringComparison.Ordinal)))))
            .Select(a => a.Key)
            .ToList();
        Assert.True(carrying.Count == 0, $"card requests carried the credential to {string.Join(", ", carrying)}");
    }

}

/// <summary>An agent that answers with 4 MiB of text, on a router of its own (<see cref="HugeReplyAgentRun"/>).</summary>
public sealed class An_agent_that_answers_with_4_MiB(HugeReplyAgentRun run) : IClassFixture<HugeReplyAgentRun>
{
    [Fact]
    public Task The_reply_is_capped_the_chat_is_not_blocked_and_memory_stays_bounded() =>
        HostileAgentChecks.RunAsync(run, AgentMisbehaviour.FourMiBReply);
}
