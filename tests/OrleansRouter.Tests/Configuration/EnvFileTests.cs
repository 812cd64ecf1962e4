using OrleansRouter.Configuration;
using OrleansRouter.Host.Configuration;

namespace OrleansRouter.Tests.Configuration;

public sealed class EnvFileTests
{
    [Fact]
    public void Reads_plain_quoted_exported_and_commented_values()
    {
        var (values, problems) = EnvFile.Parse("""
            # a comment
            ROUTER_ENV=local
            export LOG_LEVEL=Debug
            PLAIN=value with spaces # trailing comment
            SINGLE='literal \n $HOME'
            DOUBLE="line\nnext \"quoted\" back\\slash"
            EMPTY=

            """, ".env");

        Assert.Empty(problems);
        Assert.Equal("local", values["ROUTER_ENV"]);
        Assert.Equal("Debug", values["LOG_LEVEL"]);
        Assert.Equal("value with spaces", values["PLAIN"]);
        Assert.Equal("literal \\n $HOME", values["SINGLE"]);
        Assert.Equal("line\nnext \"quoted\" back\\slash", values["DOUBLE"]);
        Assert.Equal("", values["EMPTY"]);
    }

    [Fact]
    public void Malformed_lines_are_reported_by_line_without_their_values()
    {
        var (values, problems) = EnvFile.Parse("GOOD=1\nnot a setting\nlower=case\nOPEN=\"never closed secret-xyz\nGOOD=2\n", "prod.env");

        Assert.Equal("2", values["GOOD"]);
        Assert.Equal(["prod.env:2", "prod.env:3", "prod.env:4 OPEN", "prod.env:5 GOOD"], problems.Select(p => p.Key));
        Assert.Equal(ProblemSeverity.Warning, problems[^1].Severity);
        Assert.DoesNotContain(problems, p => p.ToString().Contains("secret-xyz", StringComparison.Ordinal));
    }

    [Fact]
    public void A_key_left_empty_may_be_set_further_down_as_the_runbook_appends_it()
    {
        var (values, problems) = EnvFile.Parse("TELEGRAM_TRANSPORT_MODE=\nLOG_LEVEL=Debug\nTELEGRAM_TRANSPORT_MODE=stub\n", ".env");

        Assert.Empty(problems);
        Assert.Equal("stub", values["TELEGRAM_TRANSPORT_MODE"]);
    }
}
