using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OrleansRouter.Agents;
using OrleansRouter.Agents.A2A;
using OrleansRouter.Grains;
using OrleansRouter.Privacy;
using OrleansRouter.Telemetry;

namespace OrleansRouter.Host.Ingress;

/// <summary>
/// Agents' push notifications (<c>A2A_PUSH_URL</c>), served by every silo at <c>POST {path}/{route}</c>: the route names
/// the chat (sealed, <see cref="PushAddresses"/>), the token comes in <c>X-A2A-Notification-Token</c> (or as a bearer
/// credential), and the body, a v1.0 StreamResponse or a v0.3 Task, names the task. The chat checks the token against
/// the one it registered for that task and, when it was waiting, asks the agent for the task; the body itself is never
/// taken for the answer. 200 once the chat has the notice (whatever it did with it, so an agent does not post a
/// repeat again and again), 401 for a wrong token, 404 for a route the router did not make, 400 or 413 for a body that
/// is not a notification, 503 when the chat could not be reached (the agent may post it again).
/// </summary>
public static class PushIngress
{
    public const string TokenHeader = "X-A2A-Notification-Token";

    public static IEndpointRouteBuilder MapPushIngress(this IEndpointRouteBuilder endpoints, PushAddresses push, long maxBodyBytes)
    {
        var logger = endpoints.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(PushIngress).FullName!);
        endpoints.MapPost(push.BaseUrl.AbsolutePath.TrimEnd('/') + "/{route}",
            (string route, HttpContext context, IGrainFactory grains, RouterMetrics metrics, ChatIdHasher hasher) =>
                HandleAsync(route, context, push, maxBodyBytes, grains, metrics, hasher, logger));
        return endpoints;
    }

    private static async Task<IResult> HandleAsync(string route, HttpContext context, PushAddresses push, long maxBodyBytes,
        IGrainFactory grains, RouterMetrics metrics, ChatIdHasher hasher, ILogger logger)
    {
        if (push.ChatOf(route) is not { } chatId)
        {
            metrics.PushReceived("invalid");
            return Results.NotFound();
        }

        if (TokenOf(context.Request) is not { Length: > 0 } token)
        {
            metrics.PushReceived("refused");
            PushLog.Refused(logger, hasher.Hash(chatId), "no token");
            return Results.Unauthorized();
        }

        var (taskId, unreadable) = await ReadTaskIdAsync(context, maxBodyBytes);
        if (taskId is null)
        {
            metrics.PushReceived("invalid");
            return unreadable!;
        }

        PushReceipt receipt;
        try
        {
            receipt = await grains.GetGrain<IChatGrain>(chatId).NotifyAsync(new PushNotice(taskId, token));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            PushLog.Failed(logger, hasher.Hash(chatId), e.GetType().Name);
            return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
        }

        metrics.PushReceived(receipt.ToString().ToLowerInvariant());
        if (receipt == PushReceipt.Refused)
        {
            PushLog.Refused(logger, hasher.Hash(chatId), "not the token registered for the task");
            return Results.Unauthorized();
        }

        PushLog.Received(logger, hasher.Hash(chatId), receipt.ToString().ToLowerInvariant());
        return Results.Ok();
    }

    private static string? TokenOf(HttpRequest request)
    {
        var header = request.Headers[TokenHeader].ToString();
        if (header.Length > 0)
        {
            return header;
        }

        var authorization = request.Headers.Authorization.ToString();
        return authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization["Bearer ".Length..].Trim() : null;
    }

    /// <summary>The task the body names, read up to <paramref name="maxBodyBytes"/>; or the answer to a body that names none.</summary>
    private static async Task<(string? TaskId, IResult? Unreadable)> ReadTaskIdAsync(HttpContext context, long maxBodyBytes)
    {
        var tooLarge = Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
        var notANotification = Results.BadRequest(new { error = "the body is not an A2A task or task update" });
        if (context.Request.ContentLength > maxBodyBytes)
        {
            return (null, tooLarge);
        }

        context.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize = maxBodyBytes;
        try
        {
            using var body = await JsonDocument.ParseAsync(context.Request.Body, default, context.RequestAborted);
            return PushNotification.TaskIdOf(body.RootElement) is { Length: > 0 } taskId ? (taskId, null) : (null, notANotification);
        }
        catch (JsonException)
        {
            return (null, notANotification);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, tooLarge);
        }
    }
}

internal static partial class PushLog
{
    [LoggerMessage(EventName = "a2a.push_received", Level = LogLevel.Debug,
        Message = "A push notification for chat {chat_id_hash}: {result}")]
    public static partial void Received(ILogger logger, string chat_id_hash, string result);

    [LoggerMessage(EventName = "a2a.push_refused", Level = LogLevel.Warning,
        Message = "A push notification for chat {chat_id_hash} was refused: {reason}")]
    public static partial void Refused(ILogger logger, string chat_id_hash, string reason);

    [LoggerMessage(EventName = "a2a.push_failed", Level = LogLevel.Warning,
        Message = "A push notification for chat {chat_id_hash} could not reach the chat ({error}): the agent may send it again")]
    public static partial void Failed(ILogger logger, string chat_id_hash, string error);
}
