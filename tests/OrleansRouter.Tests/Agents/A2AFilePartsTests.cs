using Microsoft.Extensions.DependencyInjection;
using OrleansRouter.Agents;
using OrleansRouter.Agents.A2A;
using OrleansRouter.Media;
using OrleansRouter.Personas;
using OrleansRouter.Testing;

namespace OrleansRouter.Tests.Agents;

public sealed class A2AFilePartsTests : IAsyncDisposable
{
    private readonly ServiceProvider _services = Services();
    private A2ATestAgent? _agent;

    private static ServiceProvider Services()
    {
        var services = new ServiceCollection();
        services.AddA2AHttpClient();
        return services.BuildServiceProvider();
    }

    public async ValueTask DisposeAsync()
    {
        if (_agent is not null)
        {
            await _agent.DisposeAsync();
        }

        await _services.DisposeAsync();
    }

    private A2AClient Client() =>
        new(_services.GetRequiredService<IHttpClientFactory>(), new A2AClientOptions { Timeout = TimeSpan.FromSeconds(10) }, TimeProvider.System);

    private static Persona PersonaFor(A2ATestAgent agent) => new("test", agent.BaseUrl, AgentAuth.None, null, "test");

    [Fact]
    public async Task A_v1_file_goes_as_raw_bytes_with_its_media_type_and_name_after_the_caption()
    {
        _agent = await A2ATestAgent.StartAsync("1.0");
        var file = new AgentFile("cat.jpg", "image/jpeg", [1, 2, 3]);

        await Client().SendAsync(new AgentRequest(PersonaFor(_agent), "m1", "look", null, null, Files: [file]), CancellationToken.None);

        var parts = Assert.Single(_agent.Calls).Message!["parts"]!.AsArray();
        Assert.Equal(2, parts.Count);
        Assert.Equal("look", parts[0]!["text"]!.GetValue<string>());
        Assert.Equal("AQID", parts[1]!["raw"]!.GetValue<string>());
        Assert.Equal("image/jpeg", parts[1]!["mediaType"]!.GetValue<string>());
        Assert.Equal("cat.jpg", parts[1]!["filename"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_v03_file_is_a_file_part_with_bytes_and_no_empty_text_part()
    {
        _agent = await A2ATestAgent.StartAsync("0.3");
        var file = new AgentFile(null, "audio/ogg", [255]);

        await Client().SendAsync(new AgentRequest(PersonaFor(_agent), "m1", "", null, null, Files: [file]), CancellationToken.None);

        var part = Assert.Single(Assert.Single(_agent.Calls).Message!["parts"]!.AsArray())!;
        Assert.Equal("file", part["kind"]!.GetValue<string>());
        Assert.Equal("/w==", part["file"]!["bytes"]!.GetValue<string>());
        Assert.Equal("audio/ogg", part["file"]!["mimeType"]!.GetValue<string>());
        Assert.Null(part["file"]!["name"]);
    }

    [Fact]
    public async Task The_input_modes_come_from_the_card()
    {
        _agent = await A2ATestAgent.StartAsync("1.0");
        _agent.InputModes = ["text/plain", "image/*"];

        var modes = await Client().InputModesAsync(PersonaFor(_agent), CancellationToken.None);

        Assert.NotNull(modes);
        Assert.True(modes.Accepts("image/png"));
        Assert.False(modes.Accepts("audio/ogg"));
    }

    [Theory]
    [InlineData("image/png", true)]
    [InlineData("IMAGE/PNG", true)]
    [InlineData("image/jpeg", true)]
    [InlineData("audio/ogg", false)]
    [InlineData("application/pdf", false)]
    public void A_range_takes_its_family_and_nothing_else(string mediaType, bool accepted)
    {
        var modes = new MediaModes(["text", "image/*"]);

        Assert.Equal(accepted, modes.Accepts(mediaType));
        Assert.Equal("text and image/*", modes.Describe());
    }

    [Fact]
    public void A_card_that_names_no_mode_takes_no_file()
    {
        Assert.False(MediaModes.TextOnly.Accepts("image/png"));
        Assert.True(new MediaModes(["*/*"]).Accepts("application/pdf"));
        Assert.Equal("text only", new MediaModes(["text/plain"]).Describe());
    }
}
