using System.Net;
using Microsoft.Extensions.Time.Testing;
using OrleansRouter.Host.Dashboard;

namespace OrleansRouter.Tests.Telemetry;

/// <summary>Failed basic-auth attempts: free at first, then ever longer waits per address, in bounded memory.</summary>
public sealed class LoginThrottleTests
{
    private static readonly IPAddress Guesser = IPAddress.Parse("203.0.113.7");

    [Fact]
    public void After_the_free_failures_each_one_shuts_the_address_out_twice_as_long_up_to_the_longest()
    {
        var clock = new FakeTimeProvider();
        var throttle = new LoginThrottle(clock);
        for (var i = 0; i < LoginThrottle.FreeFailures; i++)
        {
            Assert.Null(throttle.Failed(Guesser));
            Assert.Null(throttle.Blocked(Guesser));
        }

        var waits = new List<TimeSpan>();
        for (var i = 0; i < 12; i++)
        {
            var wait = throttle.Failed(Guesser)!.Value;
            waits.Add(wait);
            Assert.Equal(wait, throttle.Blocked(Guesser));
            Assert.Null(throttle.Blocked(IPAddress.Parse("198.51.100.1")));
            clock.Advance(wait);
            Assert.Null(throttle.Blocked(Guesser));
        }

        Assert.Equal([1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300, 300], waits.Select(w => w.TotalSeconds));
    }

    [Fact]
    public void A_success_or_a_quiet_quarter_hour_forgives()
    {
        var clock = new FakeTimeProvider();
        var throttle = new LoginThrottle(clock);
        for (var i = 0; i < LoginThrottle.FreeFailures; i++)
        {
            throttle.Failed(Guesser);
        }

        throttle.Succeeded(Guesser);
        Assert.Null(throttle.Failed(Guesser));

        for (var i = 0; i < LoginThrottle.FreeFailures; i++)
        {
            throttle.Failed(Guesser);
        }

        clock.Advance(LoginThrottle.ForgetAfter);
        Assert.Null(throttle.Failed(Guesser));
    }

    [Fact]
    public void An_IPv6_network_counts_as_one_address()
    {
        var throttle = new LoginThrottle(new FakeTimeProvider());
        for (var i = 0; i <= LoginThrottle.FreeFailures; i++)
        {
            throttle.Failed(IPAddress.Parse($"2001:db8:1:2::{i + 1:x}"));
        }

        Assert.NotNull(throttle.Blocked(IPAddress.Parse("2001:db8:1:2:ffff::1")));
        Assert.Null(throttle.Blocked(IPAddress.Parse("2001:db8:1:3::1")));
    }

    [Fact]
    public void A_flood_of_addresses_keeps_the_table_bounded()
    {
        var clock = new FakeTimeProvider();
        var throttle = new LoginThrottle(clock);
        for (var i = 0; i < LoginThrottle.Capacity * 3; i++)
        {
            throttle.Failed(new IPAddress(BitConverter.GetBytes(0x0A000000 + i)));
            clock.Advance(TimeSpan.FromMilliseconds(1));
        }

        Assert.InRange(throttle.Tracked, 1, LoginThrottle.Capacity);
    }
}
