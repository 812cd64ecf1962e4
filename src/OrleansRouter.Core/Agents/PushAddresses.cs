using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace OrleansRouter.Agents;

/// <summary>
/// The router's push notification addresses (<c>A2A_PUSH_URL</c>): one per chat, under the base URL, naming the chat
/// sealed (AES-GCM, with a key derived from the router's <c>CHAT_ID_HASH_SALT</c>) so that an agent never learns a
/// chat id and an address nobody was given is refused before any grain is asked. The token that comes with each
/// task's registration is random, and the chat keeps it; a notification is only a wake-up call: the chat then asks
/// the agent for the task itself, with the persona's credential, and never takes a notification's body for the answer.
/// </summary>
public sealed class PushAddresses
{
    private const int NonceBytes = 12;
    private const int TagBytes = 16;
    private const int ChatBytes = sizeof(long);
    private static readonly byte[] KeyPurpose = Encoding.UTF8.GetBytes("orleans-router a2a push route v1");

    private readonly byte[] _key;

    public PushAddresses(Uri baseUrl, string secret)
    {
        BaseUrl = new Uri(baseUrl.AbsoluteUri.TrimEnd('/'));
        _key = HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret), 32, salt: [], info: KeyPurpose);
    }

    /// <summary>The public URL the routes are under; the router serves <c>POST {path}/{route}</c>.</summary>
    public Uri BaseUrl { get; }

    /// <summary>A fresh random token for a task's registration: 256 bits, URL-safe.</summary>
    public static string NewToken() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    /// <summary>Where the agent notifies the router about a task of <paramref name="chatId"/>, with its <paramref name="token"/>.</summary>
    public PushTarget For(long chatId, string token) => new(new Uri($"{BaseUrl.AbsoluteUri}/{Seal(chatId)}"), token);

    /// <summary>The chat a route names; null for a route this router did not make (or made with another secret).</summary>
    public long? ChatOf(string route)
    {
        Span<byte> sealedRoute = stackalloc byte[NonceBytes + ChatBytes + TagBytes];
        if (route.Length != Base64Url.GetEncodedLength(sealedRoute.Length)
            || !Base64Url.TryDecodeFromChars(route, sealedRoute, out var written) || written != sealedRoute.Length)
        {
            return null;
        }

        Span<byte> chat = stackalloc byte[ChatBytes];
        using var aes = new AesGcm(_key, TagBytes);
        try
        {
            aes.Decrypt(sealedRoute[..NonceBytes], sealedRoute.Slice(NonceBytes, ChatBytes), sealedRoute[^TagBytes..], chat);
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }

        return BinaryPrimitives.ReadInt64BigEndian(chat);
    }

    private string Seal(long chatId)
    {
        Span<byte> chat = stackalloc byte[ChatBytes];
        BinaryPrimitives.WriteInt64BigEndian(chat, chatId);
        Span<byte> sealedRoute = stackalloc byte[NonceBytes + ChatBytes + TagBytes];
        RandomNumberGenerator.Fill(sealedRoute[..NonceBytes]);
        using var aes = new AesGcm(_key, TagBytes);
        aes.Encrypt(sealedRoute[..NonceBytes], chat, sealedRoute.Slice(NonceBytes, ChatBytes), sealedRoute[^TagBytes..]);
        return Base64Url.EncodeToString(sealedRoute);
    }
}
