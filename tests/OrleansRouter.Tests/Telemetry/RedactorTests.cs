using OrleansRouter.Host.Telemetry;

namespace OrleansRouter.Tests.Telemetry;

/// <summary>Every configured secret is blanked whatever its length; a short one where it stands as a whole token.</summary>
public sealed class RedactorTests
{
    [Theory]
    [InlineData("x")]
    [InlineData("k7")]
    [InlineData("abc123")]
    [InlineData("seven77")]
    public void A_short_secret_is_blanked_where_it_stands_alone(string secret)
    {
        var redactor = new Redactor([secret]);

        Assert.Equal(
            "secret=[redacted] header \"[redacted]\" url /hook?s=[redacted]&more",
            redactor.Redact($"secret={secret} header \"{secret}\" url /hook?s={secret}&more"));
    }

    [Fact]
    public void A_one_character_secret_leaves_the_words_it_is_part_of_alone()
    {
        var redactor = new Redactor(["a"]);

        Assert.Equal("[redacted] banana, data and [redacted] alone", redactor.Redact("a banana, data and a alone"));
        Assert.Equal("banana, [redacted]: ok", redactor.Redact("banana, a: ok"));
    }

    [Fact]
    public void A_long_secret_is_blanked_anywhere_also_inside_a_word()
    {
        var redactor = new Redactor(["sesame-secret-0001"]);

        Assert.Equal("Bearer[redacted]tail", redactor.Redact("Bearersesame-secret-0001tail"));
    }

    [Fact]
    public void A_secret_is_blanked_as_a_JSON_string_and_a_URL_carry_it()
    {
        var redactor = new Redactor(["pa\"ss/wo rd+1"]);

        Assert.Equal("{\"p\":\"[redacted]\"} ?p=[redacted]", redactor.Redact("{\"p\":\"pa\\\"ss/wo rd+1\"} ?p=pa%22ss%2Fwo%20rd%2B1"));
    }

    [Fact]
    public void An_empty_secret_blanks_nothing_and_text_without_secrets_is_the_same_instance()
    {
        var redactor = new Redactor(["", "k7"]);
        var text = "nothing to see";

        Assert.Same(text, redactor.Redact(text));
    }

    [Theory]
    [InlineData("chat -1001234567890 migrated", "chat [redacted] migrated")]
    [InlineData("chat_id=42424242&text=hi", "chat_id=[redacted]&text=hi")]
    [InlineData("{\"chat_id\":-100987654321}", "{\"chat_id\":[redacted]}")]
    [InlineData("migrate_to_chat_id: 1234567", "migrate_to_chat_id: [redacted]")]
    [InlineData("Chat 3ade68b1c0ffee00 could not store", "Chat 3ade68b1c0ffee00 could not store")]
    [InlineData("chat_id_hash=3ade68b1c0ffee00", "chat_id_hash=3ade68b1c0ffee00")]
    public void A_number_named_as_a_chat_id_is_blanked_but_a_chat_id_hash_is_not(string text, string expected)
    {
        Assert.Equal(expected, new Redactor([]).Redact(text));
    }
}
