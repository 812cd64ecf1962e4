using OrleansRouter.Agents;
using OrleansRouter.Media;
using OrleansRouter.Telegram.Sending;
using Telegram.Bot;
using Telegram.Bot.Exceptions;

namespace OrleansRouter.Telegram.Files;

/// <summary>
/// Fetches a user's file: <c>getFile</c> for its path and size, then the download, never reading past the limit.
/// Telegram's "file is too big" is the file being over a bot's 20 MB; its "wrong file_id or the file is temporarily
/// unavailable", and every download error, are tried again (the download URL holds the token: it is never logged).
/// </summary>
public sealed class TelegramFiles(ITelegramBotClient bot) : IChatFiles
{
    public async Task<FileFetch> FetchAsync(string fileId, long maxBytes, CancellationToken cancellationToken)
    {
        try
        {
            var file = await bot.GetFile(fileId, cancellationToken);
            if (file.FileSize > maxBytes)
            {
                return new FileFetch.TooLarge(file.FileSize);
            }

            if (file.FilePath is not { Length: > 0 } path)
            {
                return new FileFetch.Failed(FailureClass.Transient, "no_file_path", "getFile named no file path");
            }

            using var buffer = new CappedBuffer(maxBytes);
            await bot.DownloadFile(path, buffer, cancellationToken);
            return new FileFetch.Fetched(buffer.ToArray());
        }
        catch (Exception e) when (e is CappedBuffer.FullException || e.InnerException is CappedBuffer.FullException)
        {
            return new FileFetch.TooLarge(null);
        }
        catch (ApiRequestException e) when (e.Message.Contains("file is too big", StringComparison.OrdinalIgnoreCase))
        {
            return new FileFetch.TooLarge(null);
        }
        catch (ApiRequestException e)
        {
            var failed = TelegramFailures.From(e);
            return new FileFetch.Failed(failed.Code == "http_400" ? FailureClass.Transient : failed.Class, failed.Code, failed.Detail);
        }
        catch (Exception e) when (e is RequestException or HttpRequestException)
        {
            var failed = TelegramFailures.Network(e);
            return new FileFetch.Failed(failed.Class, failed.Code, "the download failed");
        }
    }

    /// <summary>A memory stream that refuses to grow past its limit, so a file larger than it said is never held whole.</summary>
    private sealed class CappedBuffer(long limit) : MemoryStream
    {
        public override void Write(byte[] buffer, int offset, int count)
        {
            Check(count);
            base.Write(buffer, offset, count);
        }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            Check(buffer.Length);
            base.Write(buffer);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Check(count);
            return base.WriteAsync(buffer, offset, count, cancellationToken);
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Check(buffer.Length);
            return base.WriteAsync(buffer, cancellationToken);
        }

        public override void WriteByte(byte value)
        {
            Check(1);
            base.WriteByte(value);
        }

        private void Check(int count)
        {
            if (Length + count > limit)
            {
                throw new FullException();
            }
        }

        public sealed class FullException : Exception;
    }
}
