using OrleansRouter.Grains.Chats;

namespace OrleansRouter.Tests.Chats;

public sealed class LoginLinkTests
{
    [Theory]
    [InlineData("Log in at https://auth.example/login?x=1.", "https://auth.example/login?x=1")]
    [InlineData("Open (https://auth.example/a) to go on", "https://auth.example/a")]
    [InlineData("http://localhost:8080/ok then https://second.example", "http://localhost:8080/ok")]
    public void The_first_web_address_in_the_text_is_the_login_page(string text, string expected) =>
        Assert.Equal(new Uri(expected), LoginLink.In(text));

    [Theory]
    [InlineData("Please authorize the agent in your account settings.")]
    [InlineData("ftp://files.example/login")]
    [InlineData("")]
    public void Text_without_a_web_address_has_no_login_page(string text) => Assert.Null(LoginLink.In(text));
}
