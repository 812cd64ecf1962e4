using OrleansRouter.Grains;
using OrleansRouter.Grains.Chats;
using OrleansRouter.Queues;

namespace OrleansRouter.Tests.Chats;

/// <summary>A chat's share of the silo's queue gauges: only changes are added, and all of it is taken back.</summary>
public sealed class QueueReportTests
{
    [Fact]
    public void Each_report_adds_the_change_and_withdrawing_takes_back_what_the_chat_added()
    {
        var gauge = new QueueGauge();
        gauge.AddDepth(5);
        gauge.AddRetrying(1);
        var report = new QueueReport(gauge);
        var state = new ChatState();
        var head = state.Accept(new InboundMessage(1, 42, 1, "hi", DateTimeOffset.UnixEpoch, IsGroup: false), maxDepth: 10).Item!;
        state.Accept(new InboundMessage(2, 42, 2, "hi", DateTimeOffset.UnixEpoch, IsGroup: false), maxDepth: 10);

        report.Report(state);
        report.Report(state);
        Assert.Equal((7L, 1L), (gauge.Depth, gauge.Retrying));

        head.NextAttemptAt = DateTimeOffset.UnixEpoch;
        report.Report(state);
        report.Report(state);
        Assert.Equal((7L, 2L), (gauge.Depth, gauge.Retrying));

        report.Withdraw();
        Assert.Equal((5L, 1L), (gauge.Depth, gauge.Retrying));
    }
}
