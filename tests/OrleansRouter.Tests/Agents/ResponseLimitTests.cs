using System.Text;
using OrleansRouter.Agents;
using OrleansRouter.Agents.A2A;

namespace OrleansRouter.Tests.Agents;

/// <summary>The pieces that bound what an agent can make the router read, parse and show.</summary>
public sealed class ResponseLimitTests
{
    [Fact]
    public async Task An_endless_body_without_a_length_is_read_no_further_than_the_limit()
    {
        var endless = new EndlessStream();

        var body = await BoundedBody.ReadAsync(new StreamContent(endless), 64 * 1024, CancellationToken.None);

        Assert.Null(body);
        Assert.InRange(endless.BytesRead, 64 * 1024 + 1, 2 * 64 * 1024);
    }

    [Fact]
    public async Task A_declared_length_over_the_limit_is_refused_before_reading()
    {
        var endless = new EndlessStream();
        var content = new StreamContent(endless);
        content.Headers.ContentLength = 4 * 1024 * 1024;

        Assert.Null(await BoundedBody.ReadAsync(content, 1024 * 1024, CancellationToken.None));
        Assert.Equal(0, endless.BytesRead);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(16 * 1024)]
    [InlineData(100_000)]
    public async Task A_body_up_to_the_limit_is_read_whole(int length)
    {
        var bytes = Enumerable.Range(0, length).Select(i => (byte)i).ToArray();

        var withLength = await BoundedBody.ReadAsync(new ByteArrayContent(bytes), 100_000, CancellationToken.None);
        var chunked = await BoundedBody.ReadAsync(new StreamContent(new MemoryStream(bytes)), 100_000, CancellationToken.None);

        Assert.Equal(bytes, withLength!.Value.ToArray());
        Assert.Equal(bytes, chunked!.Value.ToArray());
    }

    [Theory]
    [InlineData("{\"jsonrpc\":\"2.0\",\"result\":{\"a\":\"bc", FailureClass.Transient, "invalid_response_body")]
    [InlineData("<html>502</html>", FailureClass.Transient, "invalid_response_body")]
    [InlineData("", FailureClass.Transient, "invalid_response_body")]
    [InlineData("{\"a\":", FailureClass.Transient, "invalid_response_body")]
    public void A_body_that_is_not_json_is_transient(string body, FailureClass expected, string code)
    {
        Assert.Null(JsonBody.Parse(Encoding.UTF8.GetBytes(body), out var failure));
        Assert.Equal((expected, code), (failure!.Class, failure.Code));
    }

    [Theory]
    [InlineData(65)]
    [InlineData(10_000)]
    [InlineData(1_000_000)]
    public void Json_nested_past_64_levels_is_fatal_without_blowing_the_stack(int depth)
    {
        var deep = Encoding.UTF8.GetBytes(new string('[', depth) + new string(']', depth));

        Assert.Null(JsonBody.Parse(deep, out var failure));
        Assert.Equal((FailureClass.Fatal, AgentFailureCodes.InvalidResponse), (failure!.Class, failure.Code));
    }

    [Fact]
    public void Json_64_levels_deep_and_a_byte_order_mark_are_fine()
    {
        using var deep = JsonBody.Parse(Encoding.UTF8.GetBytes(new string('[', 64) + new string(']', 64)), out var failure);
        using var bom = JsonBody.Parse(new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Encoding.UTF8.GetBytes("{}")).ToArray(), out var bomFailure);

        Assert.NotNull(deep);
        Assert.NotNull(bom);
        Assert.Null(failure ?? bomFailure);
    }

    [Fact]
    public void A_reply_within_the_cap_is_unchanged()
    {
        var text = new string('a', 1024);

        Assert.Same(text, TaskReply.Cap(text, 1024));
    }

    [Fact]
    public void A_reply_over_the_cap_is_cut_with_a_notice_and_stays_within_it()
    {
        var capped = TaskReply.Cap(new string('a', 123_456), 16_384);

        Assert.Equal(16_384, capped.Length);
        Assert.EndsWith("\n\n[reply truncated: the agent sent 123,456 characters; the limit is 16,384]", capped);
    }

    [Fact]
    public void A_cut_never_splits_a_surrogate_pair()
    {
        const string notice = "\n\n[reply truncated: the agent sent 4,000 characters; the limit is 1,024]";
        var keep = 1024 - notice.Length;

        // An emoji (two UTF-16 units) straddles the cut: it goes whole.
        var text = new string('a', keep - 1) + "\U0001F600" + new string('b', 4000 - keep - 1);
        var capped = TaskReply.Cap(text, 1024);

        Assert.Equal(new string('a', keep - 1) + notice, capped);
        Assert.All(capped, c => Assert.False(char.IsSurrogate(c)));
    }

    /// <summary>A body that never ends, counting what was taken from it.</summary>
    private sealed class EndlessStream : Stream
    {
        public long BytesRead { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            Array.Fill(buffer, (byte)'x', offset, count);
            BytesRead += count;
            return count;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
