namespace OrleansRouter.Chats;

/// <summary>Shows "typing…" in a chat until the returned handle is disposed.</summary>
public interface ITypingIndicator
{
    IAsyncDisposable Start(long chatId);
}
