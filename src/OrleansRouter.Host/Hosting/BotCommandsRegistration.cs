using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansRouter.Host.Ingress;
using OrleansRouter.Host.Telemetry;
using Telegram.Bot;
using Telegram.Bot.Types;

namespace OrleansRouter.Host.Hosting;

/// <summary>
/// Tells Telegram the router's commands once the silo runs (<c>setMyCommands</c>), so that clients show them in the
/// bot's menu and complete them as the user types "/". Every silo does it at its start: the call is idempotent, and
/// the list is the release's own. A failure is tried again, backing off, and never holds the silo back.
/// </summary>
public sealed class BotCommandsRegistration(ITelegramBotClient bot, TimeProvider clock, ILogger<BotCommandsRegistration> logger) : BackgroundService
{
    /// <summary>The router's own commands, in the order the menu shows them.</summary>
    public static readonly IReadOnlyList<BotCommand> Commands =
    [
        new() { Command = "start", Description = "What this bot does" },
        new() { Command = "reset", Description = "Start a new conversation" },
        new() { Command = "persona", Description = "Show or choose who answers" },
        new() { Command = "cancel", Description = "Stop the answer under way" },
    ];

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Backoff.UntilDoneAsync(
        async token =>
        {
            await bot.SetMyCommands(Commands, cancellationToken: token);
            HostLog.CommandsSet(logger, Commands.Count);
        },
        (e, wait) => HostLog.CommandsNotSet(logger, e.Message, wait),
        clock,
        stoppingToken);
}
