using OrleansRouter.Configuration;
using OrleansRouter.Host.Configuration;

namespace OrleansRouter.Tests.Configuration;

/// <summary>The shared value parsers take their ranges and choices from the catalog, and report instead of throwing.</summary>
public sealed class ConfigValuesTests
{
    private readonly List<ConfigProblem> _problems = [];

    private ConfigValues Values(params (string Key, string Value)[] process) =>
        new(new ConfigLayers(process.ToDictionary(p => p.Key, p => p.Value), new Dictionary<string, string>(), new Dictionary<string, string>()) { Environment = RouterEnvironment.Local },
            _problems, DateTimeOffset.UnixEpoch);

    [Fact]
    public void A_number_outside_the_catalog_s_range_is_reported_with_that_range()
    {
        var lease = Values((ConfigKeys.PollerLeaseSeconds, "301")).WholeNumber(ConfigKeys.PollerLeaseSeconds);

        Assert.Null(lease);
        var problem = Assert.Single(_problems);
        Assert.Equal("'301' is not a whole number from 5 to 300", problem.Problem);
        Assert.Equal("set a number from 5 to 300", problem.Hint);
    }

    [Fact]
    public void A_choice_is_the_enum_member_of_its_word_in_any_case()
    {
        var protocol = Values((ConfigKeys.OtlpProtocol, "HTTP/Protobuf")).Choice<OtlpProtocol>(ConfigKeys.OtlpProtocol);

        Assert.Equal(OtlpProtocol.HttpProtobuf, protocol);
        Assert.Empty(_problems);
    }

    [Fact]
    public void An_unset_key_falls_back_to_the_catalog_s_default_for_the_environment()
    {
        var values = Values();

        Assert.Equal("127.0.0.1:9464", values[ConfigKeys.MetricsEndpoint]);
        Assert.Equal(TimeSpan.FromSeconds(20), values.Seconds(ConfigKeys.PollerLeaseSeconds));
    }

    [Fact]
    public void A_parser_asked_of_a_key_without_a_range_names_the_key()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Values().WholeNumber(ConfigKeys.OrleansClusterId));

        Assert.Contains(ConfigKeys.OrleansClusterId, error.Message, StringComparison.Ordinal);
    }
}
