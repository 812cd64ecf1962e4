using OrleansRouter.Agents;
using OrleansRouter.Media;

namespace OrleansRouter.Grains.Chats;

/// <summary>
/// Fetches the files of a message from Telegram for one call to the agent, each within the download timeout. The bytes
/// live as long as the call: the chat stores the file ids only, so a call after a crash fetches them again.
/// </summary>
internal sealed class FileFetcher(IChatFiles files, MediaOptions options)
{
    /// <summary>The failure code of a file found larger than the router takes once fetched.</summary>
    public const string TooLargeCode = "file_too_large";

    public async Task<FilesFetch> FetchAsync(IReadOnlyList<InboundFile> wanted, CancellationToken cancellationToken)
    {
        var fetched = new List<AgentFile>(wanted.Count);
        foreach (var file in wanted)
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(options.DownloadTimeout);
            FileFetch outcome;
            try
            {
                outcome = await files.FetchAsync(file.FileId, options.MaxBytes, deadline.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                outcome = new FileFetch.Failed(FailureClass.Transient, AgentFailureCodes.Timeout,
                    $"no file from Telegram within {options.DownloadTimeout.TotalSeconds:0} s");
            }

            switch (outcome)
            {
                case FileFetch.Fetched { Bytes: var bytes }:
                    fetched.Add(new AgentFile(file.FileName ?? DefaultName(file), file.MediaType, bytes));
                    break;
                case FileFetch.TooLarge tooLarge:
                    return new FilesUnavailable(file, new FileFetch.Failed(FailureClass.Fatal, TooLargeCode,
                        $"{tooLarge.Size?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "more than the limit of"} bytes"));
                case FileFetch.Failed failed:
                    return new FilesUnavailable(file, failed);
            }
        }

        return new FilesFetched(fetched);
    }

    /// <summary>A name for a file Telegram gives none (photos, voice notes), so an agent that saves it has one.</summary>
    private static string DefaultName(InboundFile file) => file.Kind switch
    {
        InboundFileKind.Photo => $"photo-{file.MessageId}.jpg",
        InboundFileKind.Voice => $"voice-{file.MessageId}.ogg",
        InboundFileKind.VideoNote => $"video-note-{file.MessageId}.mp4",
        _ => $"{file.Kind.ToString().ToLowerInvariant()}-{file.MessageId}",
    };
}

internal abstract record FilesFetch;

internal sealed record FilesFetched(IReadOnlyList<AgentFile> Files) : FilesFetch;

/// <summary>The first file that could not be fetched, and why.</summary>
internal sealed record FilesUnavailable(InboundFile File, FileFetch.Failed Failure) : FilesFetch;
