using OrleansRouter.Testing.Hostile;

namespace OrleansRouter.EndToEnd.Hostile;

/// <summary>
/// Ten thousand forged and malformed webhook posts, eight at a time, with two hundred genuine updates from twenty
/// chats among them (<see cref="WebhookCorpusRun"/>); each test checks one promise about the run.
/// </summary>
public sealed class Webhook_bodies_that_are_forged_or_malformed(WebhookCorpusRun run) : IClassFixture<WebhookCorpusRun>
{
    /// <summary>
    /// Resident memory may grow this much over the warm baseline, both measured after an induced full collection.
    /// Measured on two cores: +55 to +76 MiB after the first full pass (the buffer pools of Kestrel, System.Text.Json
    /// and the thread pool filling to their working size: the large-object heap keeps ~45 MiB of pooled buffers
    /// alive through a full collection), and a second pass adds only ~6 MiB. So the first bound is loose and the
    /// second is the sharp one: a router that kept 3.3 KiB of each of the ~7,700 bad posts would grow 24 MiB more
    /// on the second pass.
    /// </summary>
    private const long MemoryGrowthBound = 96L * 1024 * 1024;

    private const long SecondPassGrowthBound = 24L * 1024 * 1024;

    [Fact]
    public void The_corpus_is_what_it_says_and_was_sent_within_its_time_bound()
    {
        Assert.Equal(WebhookCorpusRun.HostilePosts + WebhookCorpusRun.Chats * WebhookCorpusRun.GenuinePerChat, run.Answers.Count);
        Assert.Equal(WebhookCorpus.HugeBodies, run.Answers.Count(a => a.Post.Huge));
        Assert.All(
            ["wrong_secret", "no_secret", "forged_unicode", "forged_long_text", "truncated", "deep", "wrong_types", "unknown_kind", "bad_unicode", "odd_root", "huge", "genuine"],
            kind => Assert.Contains(run.Answers, a => a.Post.Kind == kind));
        Assert.Contains(run.Answers, a => a.Post.Chunked && !a.Post.Huge && a.Post.Genuine is null);
        Assert.True(run.SendingTook < WebhookCorpusRun.SendingBound, $"sending took {run.SendingTook}");
    }

    [Fact]
    public void The_router_stays_alive_and_its_healthz_answers_200_throughout_and_after()
    {
        Assert.False(run.Router.HasExited, run.Router.Output);
        Assert.True(run.HealthChecks >= 20, $"only {run.HealthChecks} health checks ran");
        Assert.True(run.UnhealthyAnswers.Count == 0, $"/healthz was not 200 {run.UnhealthyAnswers.Count} times: {string.Join(", ", run.UnhealthyAnswers.Take(10))}");
    }

    [Fact]
    public async Task The_router_answers_healthz_200_after_the_corpus()
    {
        var (status, _) = await run.Router.HealthAsync();
        Assert.Equal(200, status);
    }

    [Fact]
    public void Every_forged_post_is_refused_as_unauthorized()
    {
        var wrong = run.Answers
            .Where(a => a.Post.Forged && !Refused(a))
            .ToList();
        Assert.True(wrong.Count == 0, $"{wrong.Count} forged posts were not refused with 401/403: {Describe(wrong)}");
    }

    [Fact]
    public void Every_malformed_post_with_the_right_secret_gets_a_4xx_or_is_dropped_never_a_5xx_or_a_dropped_connection()
    {
        var wrong = run.Answers
            .Where(a => !a.Post.Forged && a.Post.Genuine is null)
            .Where(a => !TakenOrDropped(a))
            .ToList();
        Assert.True(wrong.Count == 0, $"{wrong.Count} malformed posts got neither a 4xx nor a 2xx: {Describe(wrong)}");
    }

    [Fact]
    public void The_agent_receives_exactly_the_genuine_messages_and_nothing_forged_or_malformed()
    {
        var calls = run.Agent.Calls;
        var strangers = calls.Where(c => WebhookCorpus.LabelOf(c.Text) is null).Select(c => c.Text.Length > 80 ? c.Text[..80] : c.Text).ToList();
        Assert.True(strangers.Count == 0, $"the agent received {strangers.Count} messages that are not genuine: {string.Join(" | ", strangers.Take(10))}");

        var received = calls.GroupBy(c => c.MessageId).Select(g => g.First().Text).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(run.Corpus.Genuine.Select(g => g.Text).Order(StringComparer.Ordinal), received);
    }

    [Fact]
    public void Every_genuine_update_is_taken_and_answered_exactly_once_in_order_per_chat()
    {
        var refused = run.Answers.Where(a => a.Post.Genuine is not null && a.Status != 200).ToList();
        Assert.True(refused.Count == 0, $"{refused.Count} genuine updates were not taken: {Describe(refused)}");
        Assert.All(run.ChatIds, chat => Assert.Equal(
            run.Corpus.Genuine.Where(g => g.ChatId == chat).OrderBy(g => g.MessageId).Select(g => $"answer {g.Label}"),
            run.Telegram.SentTo(chat).Select(m => m.Text)));
        Assert.Equal(run.Corpus.Genuine.Count, run.Telegram.SentCount);
    }

    [Fact]
    public void No_secret_and_no_raw_chat_id_appears_in_the_router_output()
    {
        var output = run.Router.Output;
        Assert.Contains("\"event\"", output);
        Assert.All(run.Secrets, secret => Assert.DoesNotContain(secret, output, StringComparison.Ordinal));
        Assert.All(run.ChatIds, chat => Assert.DoesNotContain(chat.ToString(System.Globalization.CultureInfo.InvariantCulture), output, StringComparison.Ordinal));
    }

    [Fact]
    public void Resident_memory_comes_back_near_its_warm_baseline()
    {
        Assert.True(
            run.After <= run.WarmBaseline + MemoryGrowthBound,
            $"resident memory settled at {ResidentMemory.Mib(run.After)} after the corpus, {ResidentMemory.Mib(run.WarmBaseline)} before (bound +{ResidentMemory.Mib(MemoryGrowthBound)})");
    }

    [Fact]
    public void A_second_pass_of_the_bad_posts_adds_almost_nothing()
    {
        var wrong = run.SecondPass.Where(a => a.Post.Forged ? !Refused(a) : !TakenOrDropped(a)).ToList();
        Assert.True(wrong.Count == 0, $"{wrong.Count} posts of the second pass were answered otherwise than the first: {Describe(wrong)}");
        Assert.True(
            run.AfterSecondPass <= run.After + SecondPassGrowthBound,
            $"resident memory settled at {ResidentMemory.Mib(run.AfterSecondPass)} after a second pass of {run.SecondPass.Count} bad posts, {ResidentMemory.Mib(run.After)} after the first (bound +{ResidentMemory.Mib(SecondPassGrowthBound)})");
        Assert.Equal(run.Corpus.Genuine.Count, run.Telegram.SentCount);
    }

    /// <summary>A forged post is refused as unauthorized; a huge one may also be cut off while it is still being sent.</summary>
    private static bool Refused(WebhookAnswer answer) => answer.Status is 401 or 403 || (answer.Post.Huge && answer.Status is 0 or 413);

    /// <summary>A malformed post with the right secret gets a 4xx or a 2xx (taken and dropped), never a 5xx or a dropped connection.</summary>
    private static bool TakenOrDropped(WebhookAnswer answer) => answer.Status is 200 or 204 or (>= 400 and < 500) || (answer.Post.Huge && answer.Status == 0);

    private static string Describe(IEnumerable<WebhookAnswer> answers) =>
        string.Join(", ", answers.GroupBy(a => (a.Post.Kind, a.Status)).Select(g => $"{g.Key.Kind}→{g.Key.Status} ×{g.Count()}"));
}
