using Microsoft.Extensions.Logging;

namespace OrleansRouter.Agents.A2A;

/// <summary>The A2A client's log events.</summary>
internal static partial class A2ALog
{
    [LoggerMessage(EventName = "a2a.card_elsewhere", Level = LogLevel.Warning,
        Message = "The agent card of persona {persona_tag} points to another origin ({card_origin}) than its agent_url ({agent_origin}): {action}")]
    public static partial void CardElsewhere(ILogger logger, string persona_tag, string card_origin, string agent_origin, string action);
}
