using OrleansRouter.Agents;
using OrleansRouter.Chats;

namespace OrleansRouter.Tests.Agents;

public sealed class FailureDetailTests
{
    [Fact]
    public void A_short_detail_is_kept_as_it_is()
    {
        Assert.Equal("http 503: try later", FailureDetail.Cap("http 503: try later"));
        Assert.Equal("", FailureDetail.Cap(null));
    }

    [Fact]
    public void A_long_detail_is_cut_to_the_cap_with_an_ellipsis()
    {
        var capped = FailureDetail.Cap(new string('x', 1_000_000));

        Assert.Equal(FailureDetail.MaxChars, capped.Length);
        Assert.EndsWith("…", capped);
    }

    [Fact]
    public void A_cut_never_splits_a_surrogate_pair()
    {
        var text = new string('a', FailureDetail.MaxChars - 2) + string.Concat(Enumerable.Repeat("😀", 100));

        var capped = FailureDetail.Cap(text);

        Assert.True(capped.Length <= FailureDetail.MaxChars);
        Assert.False(char.IsHighSurrogate(capped[^2]));
    }

    [Fact]
    public void Failures_from_the_far_side_are_capped_where_they_are_made()
    {
        var huge = new string('e', 4 * 1024 * 1024);

        Assert.Equal(FailureDetail.MaxChars, new AgentFailure(FailureClass.Fatal, "jsonrpc_-32000", huge).Detail.Length);
        Assert.Equal(FailureDetail.MaxChars, new SendFailed(FailureClass.Fatal, "http_400", huge).Detail.Length);
        Assert.Equal(FailureDetail.MaxChars, new AgentProbe(false, huge).Detail.Length);
        Assert.Equal(FailureDetail.MaxChars, (new AgentFailure(FailureClass.Fatal, "x", "short") with { Detail = huge }).Detail.Length);
    }
}
