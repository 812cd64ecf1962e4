using System.Globalization;
using OrleansRouter.Agents;
using OrleansRouter.Media;
using OrleansRouter.Personas;

namespace OrleansRouter.Grains.Chats;

/// <summary>Every text the router itself says to a user.</summary>
internal static class ChatReplies
{
    public static string Greeting(Persona persona) =>
        $"Hello! You are talking to {persona.Name}. Send a message to start.\n" +
        "/reset starts a new conversation, /persona lists the personas you can switch to, /cancel stops an answer.";

    public static string Reset(Persona persona) => $"Started a new conversation with {persona.Name}.";

    public static string PersonaList(Persona current, IEnumerable<Persona> selectable) =>
        $"You are talking to {current.Name}. Personas: {string.Join(", ", selectable.Select(p => p.Name))}.\n" +
        "Switch with /persona NAME.";

    public static string PersonaSwitched(Persona persona) => $"You are now talking to {persona.Name}.";

    public static string PersonaUnknown(string name, IEnumerable<Persona> selectable) =>
        $"There is no persona called {name}. Personas: {string.Join(", ", selectable.Select(p => p.Name))}.";

    public static string PersonaPinned(Persona persona) => $"This chat is bound to {persona.Name} and cannot switch.";

    public static string RateLimited(Persona persona, DateTimeOffset retryAt, DateTimeOffset now) =>
        $"{persona.Name} has had too many messages. Please try again in {Humanize(retryAt - now)} " +
        $"(at {retryAt.UtcDateTime.ToString("HH:mm", CultureInfo.InvariantCulture)} UTC).";

    public static string AdminsOnly(string command) => $"Only the group's admins can use /{command} here.";

    public const string AdminCheckFailed = "I could not check that you are an admin of this group. Please try again in a moment.";

    public const string Unsupported = "I can only pass on text, photos, documents, voice notes, audio and video.";

    public static string FileTooLarge(InboundFile file, long limit) =>
        $"This {KindName(file.Kind)} is {(file.Size is { } size ? Megabytes(size) : "too large")}; I can pass on files up to {Megabytes(limit)}.";

    public static string FileNotAccepted(Persona persona, InboundFile file, MediaModes modes) =>
        $"{persona.Name} cannot take this {KindName(file.Kind)} ({file.MediaType}); it takes {modes.Describe()}.";

    public static string FileUnavailable(InboundFile file) =>
        $"I could not fetch your {KindName(file.Kind)} from Telegram. Please send it again.";

    public const string Overflow =
        "Too many messages are waiting here, so your latest ones were not passed on. " +
        "Please wait for the answers, then send them again.";

    /// <summary>What a group's placeholder says before the answer has any text.</summary>
    public const string Thinking = "Thinking…";

    public const string StillWaitingForAuthorization =
        "The agent is still waiting for your authorization. Once you have given it, send a message and the agent will go on.";

    /// <summary>The label of the button that opens the agent's login page.</summary>
    public const string LogIn = "Log in";

    public const string NothingToStop = "There is no answer under way to stop.";

    /// <summary>A stopped answer keeps what it had said so far.</summary>
    public static string Stopped(string partial) => string.IsNullOrWhiteSpace(partial) ? "Stopped." : $"{partial}\n\n(stopped)";

    public static string AgentUnavailable(Persona persona) =>
        $"Sorry, {persona.Name} could not answer this message. Please try again later.";

    public static string FromAgent(AgentReply reply) => reply.Kind switch
    {
        AgentReplyKind.Message or AgentReplyKind.Completed => OrPlaceholder(reply.Text, "(The agent answered without any text.)"),
        AgentReplyKind.InputRequired => OrPlaceholder(reply.Text, "The agent needs more information: please reply."),
        AgentReplyKind.AuthRequired => WithReason("The agent needs you to authorize it before it can go on.", reply.Text),
        AgentReplyKind.Failed => WithReason("Sorry, the agent could not complete this request.", reply.Text),
        AgentReplyKind.Rejected => WithReason("Sorry, the agent declined this request.", reply.Text),
        AgentReplyKind.Canceled => WithReason("The agent canceled this request.", reply.Text),
        _ => OrPlaceholder(reply.Text, "(The agent answered without any text.)"),
    };

    private static string KindName(InboundFileKind kind) => kind switch
    {
        InboundFileKind.Voice => "voice note",
        InboundFileKind.VideoNote => "video note",
        InboundFileKind.Animation => "animation",
        _ => kind.ToString().ToLowerInvariant(),
    };

    private static string Megabytes(long bytes) =>
        bytes >= 1024 * 1024
            ? $"{(bytes / (1024.0 * 1024)).ToString("0.#", CultureInfo.InvariantCulture)} MB"
            : $"{(bytes / 1024.0).ToString("0.#", CultureInfo.InvariantCulture)} KB";

    internal static string Humanize(TimeSpan wait)
    {
        if (wait < TimeSpan.FromMinutes(1))
        {
            return $"{Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds))} s";
        }

        if (wait < TimeSpan.FromHours(1))
        {
            return $"{(int)Math.Ceiling(wait.TotalMinutes)} min";
        }

        return wait < TimeSpan.FromDays(1)
            ? $"{(int)wait.TotalHours} h {wait.Minutes} min"
            : $"{(int)wait.TotalDays} d {wait.Hours} h";
    }

    private static string OrPlaceholder(string text, string placeholder) => string.IsNullOrWhiteSpace(text) ? placeholder : text;

    private static string WithReason(string sentence, string reason) =>
        string.IsNullOrWhiteSpace(reason) ? sentence : $"{sentence}\n{reason}";
}
