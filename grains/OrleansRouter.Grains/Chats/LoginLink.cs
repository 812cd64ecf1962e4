using System.Text.RegularExpressions;

namespace OrleansRouter.Grains.Chats;

/// <summary>
/// The login page an agent names when it asks the user to authorize (A2A has no field for it: agents write it in
/// the status text): the first web address in the text, without the punctuation that closes a sentence.
/// </summary>
internal static partial class LoginLink
{
    public static Uri? In(string text)
    {
        var match = Address().Match(text);
        if (!match.Success)
        {
            return null;
        }

        var address = match.Value.TrimEnd('.', ',', ';', ':', '!', '?', ')', ']', '\'', '"');
        return Uri.TryCreate(address, UriKind.Absolute, out var url) && url.Scheme is "https" or "http" ? url : null;
    }

    [GeneratedRegex(@"https?://[^\s<>""]+", RegexOptions.IgnoreCase)]
    private static partial Regex Address();
}
