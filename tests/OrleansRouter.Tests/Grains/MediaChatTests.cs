using OrleansRouter.Agents;
using OrleansRouter.Grains;
using OrleansRouter.Media;
using OrleansRouter.Personas;
using OrleansRouter.Tests.Support;
using static OrleansRouter.Tests.Support.RouterCluster;

namespace OrleansRouter.Tests.Grains;

public sealed class MediaCluster : RouterCluster
{
    public const long Limit = 1000;

    public override PersonaMap Personas { get; } = new("echo", [Persona("echo")], new Dictionary<long, string>());

    public override MediaOptions Media => new() { MaxBytes = Limit, AlbumWait = TimeSpan.FromMilliseconds(300) };
}

public sealed class MediaChatTests : IClassFixture<MediaCluster>
{
    private static int _nextUpdate = 500_000;
    private readonly MediaCluster _cluster;

    public MediaChatTests(MediaCluster cluster)
    {
        _cluster = cluster;
        cluster.Agent.InputModes = new MediaModes(["text/plain", "image/*"]);
        cluster.Files.Fetch = id => new FileFetch.Fetched(System.Text.Encoding.UTF8.GetBytes(id));
    }

    private IChatGrain Chat(long chatId) => _cluster.Grains.GetGrain<IChatGrain>(chatId);

    private static InboundMessage Photo(long chatId, int messageId, string fileId, string? caption = null, string? album = null, long size = 100) =>
        new(Interlocked.Increment(ref _nextUpdate), chatId, messageId, caption, DateTimeOffset.UtcNow, IsGroup: false, SenderId: UserId,
            Files: [new InboundFile(fileId, messageId, InboundFileKind.Photo, "image/jpeg", null, size)], MediaGroupId: album);

    private Task RepliesAsync(long chatId, int count) =>
        Eventually.HoldsAsync(() => _cluster.Sender.SentTo(chatId).Count >= count, $"{count} replies in chat {chatId}");

    private IReadOnlyList<AgentRequest> RequestsFrom(long chatId, string fileId) =>
        [.. _cluster.Agent.Requests.Where(r => r.Files?.Any(f => f.Name!.Contains($"-{chatId}-", StringComparison.Ordinal) || System.Text.Encoding.UTF8.GetString(f.Bytes).StartsWith(fileId, StringComparison.Ordinal)) == true)];

    [Fact]
    public async Task A_photo_goes_to_the_agent_with_its_bytes_and_its_caption()
    {
        var chat = NewChatId();
        var fileId = $"photo-{chat}";

        await Chat(chat).AcceptAsync(Photo(chat, 7, fileId, caption: "what is this"));
        await RepliesAsync(chat, 1);

        var request = Assert.Single(RequestsFrom(chat, fileId));
        Assert.Equal("what is this", request.Text);
        var file = Assert.Single(request.Files!);
        Assert.Equal(("image/jpeg", "photo-7.jpg", fileId), (file.MediaType, file.Name, System.Text.Encoding.UTF8.GetString(file.Bytes)));
    }

    [Fact]
    public async Task A_file_the_agent_does_not_take_is_answered_with_what_it_takes_and_never_fetched()
    {
        var chat = NewChatId();
        var voice = new InboundMessage(Interlocked.Increment(ref _nextUpdate), chat, 3, null, DateTimeOffset.UtcNow, false, SenderId: UserId,
            Files: [new InboundFile($"voice-{chat}", 3, InboundFileKind.Voice, "audio/ogg", null, 10)]);

        await Chat(chat).AcceptAsync(voice);
        await RepliesAsync(chat, 1);

        Assert.Equal("echo cannot take this voice note (audio/ogg); it takes text and image/*.", _cluster.Sender.SentTo(chat)[0]);
        Assert.DoesNotContain($"voice-{chat}", _cluster.Files.Fetched);
    }

    [Fact]
    public async Task A_file_over_the_limit_is_answered_with_the_limit_and_never_fetched()
    {
        var chat = NewChatId();

        await Chat(chat).AcceptAsync(Photo(chat, 4, $"big-{chat}", size: 5 * 1024 * 1024));
        await RepliesAsync(chat, 1);

        Assert.Equal("This photo is 5 MB; I can pass on files up to 1 KB.", _cluster.Sender.SentTo(chat)[0]);
        Assert.DoesNotContain($"big-{chat}", _cluster.Files.Fetched);
    }

    [Fact]
    public async Task An_album_is_one_message_to_the_agent_in_the_order_of_its_parts_however_they_arrive()
    {
        var chat = NewChatId();
        var album = $"album-{chat}";

        await Chat(chat).AcceptAsync(Photo(chat, 12, $"a{chat}-2", album: album));
        await Chat(chat).AcceptAsync(Photo(chat, 11, $"a{chat}-1", caption: "our trip", album: album));
        var third = Photo(chat, 13, $"a{chat}-3", album: album);
        await Chat(chat).AcceptAsync(third);
        Assert.Equal(AcceptResult.Duplicate, await Chat(chat).AcceptAsync(third));
        await Chat(chat).AcceptAsync(RouterCluster.Message(chat, "and this"));
        await RepliesAsync(chat, 2);

        var requests = _cluster.Agent.Requests.Where(r => r.Text is "our trip" or "and this" && (r.Files is null or { Count: 0 } || System.Text.Encoding.UTF8.GetString(r.Files[0].Bytes).StartsWith($"a{chat}-", StringComparison.Ordinal))).ToList();
        Assert.Equal(["our trip", "and this"], requests.Select(r => r.Text));
        Assert.Equal([$"a{chat}-1", $"a{chat}-2", $"a{chat}-3"], requests[0].Files!.Select(f => System.Text.Encoding.UTF8.GetString(f.Bytes)));
    }

    [Fact]
    public async Task A_fetch_that_fails_for_now_is_tried_again_and_the_agent_gets_the_file_once()
    {
        var chat = NewChatId();
        var fileId = $"flaky-{chat}";
        var failures = 1;
        _cluster.Files.Fetch = id => id == fileId && Interlocked.Decrement(ref failures) >= 0
            ? new FileFetch.Failed(FailureClass.Transient, "http_502", "bad gateway")
            : new FileFetch.Fetched(System.Text.Encoding.UTF8.GetBytes(id));

        await Chat(chat).AcceptAsync(Photo(chat, 5, fileId));
        await RepliesAsync(chat, 1);

        Assert.Equal(2, _cluster.Files.Fetched.Count(f => f == fileId));
        Assert.Single(RequestsFrom(chat, fileId));
    }

    [Fact]
    public async Task A_file_Telegram_cannot_give_is_told_to_the_user_after_the_last_attempt()
    {
        var chat = NewChatId();
        var fileId = $"gone-{chat}";
        _cluster.Files.Fetch = id => id == fileId
            ? new FileFetch.Failed(FailureClass.Fatal, "http_400", "wrong file_id")
            : new FileFetch.Fetched(System.Text.Encoding.UTF8.GetBytes(id));

        await Chat(chat).AcceptAsync(Photo(chat, 6, fileId));
        await RepliesAsync(chat, 1);

        Assert.Equal("I could not fetch your photo from Telegram. Please send it again.", _cluster.Sender.SentTo(chat)[0]);
        Assert.Empty(RequestsFrom(chat, fileId));
    }
}
