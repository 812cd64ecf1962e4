using Orleans.CodeGeneration;
using Orleans.Concurrency;

namespace OrleansRouter.Grains;

/// <summary>
/// Updates the ingress set aside because their ChatGrain could not store them, while storage worked for the others:
/// kept so an operator can see what was skipped (<c>--inspect-queue</c>), bounded in count and in size per entry.
/// One grain for the cluster; it is only written when something went wrong, so it is never busy.
/// </summary>
[Version(1)]
[Alias("quarantine")]
public interface IQuarantineGrain : IGrainWithStringKey
{
    /// <summary>The key of the quarantine of Telegram updates.</summary>
    public const string TelegramUpdates = "telegram-updates";

    /// <summary>Stores the update aside, replacing an earlier entry of the same update id; returns once it is durable.</summary>
    [Alias("add")]
    Task AddAsync(QuarantinedUpdate update);

    /// <summary>What the quarantine holds, newest last: for <c>--inspect-queue</c> and the dashboard's grain state view.</summary>
    [Alias("snapshot"), ReadOnly, AlwaysInterleave]
    Task<QuarantineSnapshot> GetState();
}

/// <summary>One update set aside.</summary>
/// <param name="ChatIdHash">The keyed hash of the chat id, as the logs name the chat.</param>
/// <param name="Attempts">How many times the ingress tried to have it stored.</param>
/// <param name="Reason">Why it could not be stored: the exception's type, capped.</param>
/// <param name="RawUpdate">The update as Telegram sent it (re-serialized), cut to <see cref="QuarantineLimits.RawUpdateChars"/>.</param>
/// <param name="RawLength">The length of the whole raw update, in characters, before it was cut.</param>
[GenerateSerializer, Immutable, Alias("quarantined-update")]
public sealed record QuarantinedUpdate(
    [property: Id(0)] long UpdateId,
    [property: Id(1)] long ChatId,
    [property: Id(2)] string ChatIdHash,
    [property: Id(3)] DateTimeOffset QuarantinedAt,
    [property: Id(4)] int Attempts,
    [property: Id(5)] string Reason,
    [property: Id(6)] string RawUpdate,
    [property: Id(7)] int RawLength);

/// <param name="Total">Updates quarantined since the quarantine began, including those no longer kept.</param>
/// <param name="Dropped">Entries let go, oldest first, to stay within <see cref="QuarantineLimits.Entries"/>.</param>
[GenerateSerializer, Immutable, Alias("quarantine-snapshot")]
public sealed record QuarantineSnapshot(
    [property: Id(0)] long Total,
    [property: Id(1)] long Dropped,
    [property: Id(2)] IReadOnlyList<QuarantinedUpdate> Entries);

/// <summary>The bounds of the quarantine: its state stays under a megabyte whatever comes in.</summary>
public static class QuarantineLimits
{
    public const int Entries = 100;

    public const int RawUpdateChars = 4096;

    public const int ReasonChars = 256;

    /// <summary>An entry within the bounds: the raw update and the reason cut to their caps.</summary>
    public static QuarantinedUpdate Bounded(QuarantinedUpdate update) => update with
    {
        RawUpdate = Cut(update.RawUpdate, RawUpdateChars),
        Reason = Cut(update.Reason, ReasonChars),
        ChatIdHash = Cut(update.ChatIdHash, 64),
    };

    private static string Cut(string text, int length) => text.Length <= length ? text : text[..length];
}
