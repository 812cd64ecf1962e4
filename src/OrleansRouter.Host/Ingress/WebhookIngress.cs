using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using OrleansRouter.Host.Configuration;
using OrleansRouter.Host.Health;
using Telegram.Bot;
using Telegram.Bot.Types;

namespace OrleansRouter.Host.Ingress;

/// <summary>
/// The webhook, served by every silo at the path of <c>TELEGRAM_WEBHOOK_URL</c>. Telegram's secret token must come
/// with every post (401 otherwise, and nothing is taken); 200 only after the ChatGrain stored the update, 503 when
/// it could not, or the silo is draining or on standby, so that Telegram delivers it again.
/// </summary>
public static class WebhookIngress
{
    public const string SecretHeader = "X-Telegram-Bot-Api-Secret-Token";

    /// <summary>Updates are a few kilobytes; anything much larger is not from Telegram.</summary>
    public const long MaxBodyBytes = 1024 * 1024;

    public static IEndpointRouteBuilder MapWebhookIngress(this IEndpointRouteBuilder endpoints, TelegramSettings settings)
    {
        var secret = Encoding.UTF8.GetBytes(settings.WebhookSecret!);
        endpoints.MapPost(settings.WebhookUrl!.AbsolutePath, (HttpContext context, UpdateAcceptor acceptor, RouterHealth health) =>
            HandleAsync(context, secret, settings.Active, acceptor, health));
        return endpoints;
    }

    private static async Task<IResult> HandleAsync(HttpContext context, byte[] secret, bool active, UpdateAcceptor acceptor, RouterHealth health)
    {
        var presented = Encoding.UTF8.GetBytes(context.Request.Headers[SecretHeader].ToString());
        if (!CryptographicOperations.FixedTimeEquals(presented, secret))
        {
            return Results.Unauthorized();
        }

        // A standby silo takes no Telegram traffic; a draining one takes no more. Telegram delivers it again.
        if (!active || health.State == RouterState.Draining)
        {
            context.Response.Headers.RetryAfter = "5";
            return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
        }

        if (context.Request.ContentLength > MaxBodyBytes)
        {
            return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
        }

        context.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize = MaxBodyBytes;
        Update? update;
        try
        {
            update = await JsonSerializer.DeserializeAsync<Update>(context.Request.Body, JsonBotAPI.Options, context.RequestAborted);
        }
        catch (JsonException)
        {
            return Results.BadRequest(new { error = "the body is not a Telegram update" });
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
        }

        if (update is null)
        {
            return Results.BadRequest(new { error = "the body is not a Telegram update" });
        }

        return await acceptor.AcceptAsync([update]) is null
            ? Results.Ok()
            : Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
    }
}
