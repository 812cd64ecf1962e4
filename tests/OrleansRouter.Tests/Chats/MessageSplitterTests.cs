using System.Globalization;
using OrleansRouter.Chats;

namespace OrleansRouter.Tests.Chats;

public sealed class MessageSplitterTests
{
    private static void AssertWhole(string text, IReadOnlyList<string> parts)
    {
        Assert.Equal(text, string.Concat(parts));
        Assert.All(parts, p => Assert.InRange(p.Length, 1, MessageSplitter.MaxLength));
    }

    [Fact]
    public void A_short_text_is_one_part()
    {
        Assert.Equal(["hello"], MessageSplitter.Split("hello"));
    }

    [Fact]
    public void Exactly_the_limit_is_one_part_and_one_more_is_two()
    {
        var exact = new string('a', MessageSplitter.MaxLength);

        Assert.Single(MessageSplitter.Split(exact));
        Assert.Equal(2, MessageSplitter.Split(exact + "b").Count);
    }

    [Fact]
    public void A_long_text_is_cut_at_paragraph_breaks_first()
    {
        var paragraph = new string('p', 3000);
        var text = $"{paragraph}\n\n{paragraph}\nline\n\n{paragraph}";

        var parts = MessageSplitter.Split(text);

        AssertWhole(text, parts);
        Assert.EndsWith("\n\n", parts[0]);
        Assert.Equal(3002, parts[0].Length);
    }

    [Fact]
    public void Without_paragraphs_it_cuts_at_a_line_then_at_a_word()
    {
        var lines = string.Join("\n", Enumerable.Repeat(new string('l', 1000), 6));
        var words = string.Join(" ", Enumerable.Repeat("word", 2000));

        var byLine = MessageSplitter.Split(lines);
        var byWord = MessageSplitter.Split(words);

        AssertWhole(lines, byLine);
        Assert.EndsWith("\n", byLine[0]);
        AssertWhole(words, byWord);
        Assert.All(byWord.SkipLast(1), p => Assert.EndsWith(" ", p));
    }

    [Fact]
    public void A_text_without_any_separator_is_cut_at_the_limit()
    {
        var text = new string('x', MessageSplitter.MaxLength * 2 + 10);

        var parts = MessageSplitter.Split(text);

        AssertWhole(text, parts);
        Assert.Equal([MessageSplitter.MaxLength, MessageSplitter.MaxLength, 10], parts.Select(p => p.Length));
    }

    [Fact]
    public void Surrogate_pairs_straddling_the_limit_stay_whole()
    {
        // 4095 ASCII characters, then emoji of two UTF-16 units each: the first one would be torn at 4096.
        var text = new string('a', MessageSplitter.MaxLength - 1) + string.Concat(Enumerable.Repeat("😀", 10));

        var parts = MessageSplitter.Split(text);

        AssertWhole(text, parts);
        Assert.All(parts, p => Assert.False(char.IsHighSurrogate(p[^1]), "a part ends inside a surrogate pair"));
        Assert.All(parts, p => Assert.False(char.IsLowSurrogate(p[0]), "a part starts inside a surrogate pair"));
    }

    [Fact]
    public void Combining_sequences_are_not_torn_from_their_base()
    {
        // "é" written as e + U+0301: the accent must stay with its letter.
        var text = new string('a', MessageSplitter.MaxLength - 1) + string.Concat(Enumerable.Repeat("e\u0301", 5));

        var parts = MessageSplitter.Split(text);

        AssertWhole(text, parts);
        Assert.All(parts, p => Assert.NotEqual(UnicodeCategory.NonSpacingMark, CharUnicodeInfo.GetUnicodeCategory(p[0])));
    }

    [Fact]
    public void Cyrillic_and_cjk_text_splits_at_spaces_and_loses_nothing()
    {
        var text = string.Join(" ", Enumerable.Repeat("Привет 世界", 1500));

        AssertWhole(text, MessageSplitter.Split(text));
    }
}
