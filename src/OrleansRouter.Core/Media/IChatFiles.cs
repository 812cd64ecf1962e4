using OrleansRouter.Agents;

namespace OrleansRouter.Media;

/// <summary>Fetches a file a user sent, by the id Telegram gave it. Implementations return failures as values.</summary>
public interface IChatFiles
{
    /// <param name="maxBytes">A file larger than this is not read: <see cref="FileFetch.TooLarge"/>.</param>
    Task<FileFetch> FetchAsync(string fileId, long maxBytes, CancellationToken cancellationToken);
}

/// <summary>How fetching one file went.</summary>
public abstract record FileFetch
{
    private FileFetch()
    {
    }

    public sealed record Fetched(byte[] Bytes) : FileFetch;

    /// <summary>The file is larger than the router takes (or than Telegram lets a bot download).</summary>
    public sealed record TooLarge(long? Size) : FileFetch;

    /// <summary>Telegram could not give the file: transient (try again) or fatal (the file id is gone or wrong).</summary>
    public sealed record Failed(FailureClass Class, string Code, string Detail) : FileFetch
    {
        private readonly string _detail = FailureDetail.Cap(Detail);

        public string Detail { get => _detail; init => _detail = FailureDetail.Cap(value); }
    }
}
