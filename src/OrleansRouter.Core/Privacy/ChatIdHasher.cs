using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace OrleansRouter.Privacy;

/// <summary>
/// Turns a chat id into the <c>chat_id_hash</c> that logs carry instead of it: a keyed hash, so the same chat can be
/// followed through the logs, but nobody without <c>CHAT_ID_HASH_SALT</c> can test a guessed id against it.
/// </summary>
public sealed class ChatIdHasher(string salt)
{
    private readonly byte[] _key = Encoding.UTF8.GetBytes(salt);

    public string Hash(long chatId)
    {
        Span<byte> digest = stackalloc byte[32];
        HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes(chatId.ToString(CultureInfo.InvariantCulture)), digest);
        return Convert.ToHexStringLower(digest[..8]);
    }
}
