using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;
using Telegram.Bot;
using Telegram.Bot.Types;

namespace OrleansRouter.Telegram.Stub;

/// <summary>
/// Serves <see cref="StubBotApi"/>: the Bot API methods the router uses at <c>/bot{token}/{method}</c>, and for
/// people and tests <c>POST /stub/chats/{id}/messages</c> (a user writes; in a group <c>from_id</c> names a sender other than its creator) and <c>GET /stub/chats/{id}/transcript</c>.
/// </summary>
public static class StubBotApiEndpoints
{
    private static readonly TimeSpan MaxLongPoll = TimeSpan.FromSeconds(50);

    public static IEndpointRouteBuilder MapStubBotApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapMethods("/bot{token}/{method}", ["GET", "POST"], HandleBotApiAsync);
        endpoints.MapPost("/stub/chats/{chatId:long}/messages", PostUserMessageAsync);
        endpoints.MapGet("/stub/chats/{chatId:long}/transcript", (long chatId, StubBotApi api) =>
            api.Transcript(chatId) is { } transcript
                ? Results.Json(transcript, TranscriptJson)
                : Results.NotFound(new { error = $"no message was ever posted to chat {chatId}" }));
        return endpoints;
    }

    private static readonly JsonSerializerOptions TranscriptJson = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    private static async Task<IResult> PostUserMessageAsync(long chatId, HttpContext context, StubBotApi api)
    {
        JsonObject? body;
        try
        {
            body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted) as JsonObject;
        }
        catch (JsonException)
        {
            body = null;
        }

        if (body?["text"] is not JsonValue textValue || !textValue.TryGetValue<string>(out var text) || text.Length == 0)
        {
            return Results.BadRequest(new { error = "send a JSON object with a non-empty \"text\", e.g. {\"text\":\"hello\"}" });
        }

        if (chatId == 0)
        {
            return Results.BadRequest(new { error = "0 is not a chat id" });
        }

        var name = body["from"] is JsonValue from && from.TryGetValue<string>(out var n) ? n : null;
        var senderId = body["from_id"] is JsonValue fromId && fromId.TryGetValue<long>(out var id) && id > 0 ? id : (long?)null;
        var (updateId, messageId) = api.PostUserMessage(chatId, text, name, senderId);
        return Results.Json(new { update_id = updateId, message_id = messageId }, statusCode: StatusCodes.Status202Accepted);
    }

    private static async Task<IResult> HandleBotApiAsync(string token, string method, HttpContext context, StubBotApi api, IHostApplicationLifetime lifetime)
    {
        if (!api.Authorizes(token))
        {
            return Error(401, "Unauthorized");
        }

        try
        {
            var request = await ReadParametersAsync(context.Request);
            return method.ToLowerInvariant() switch
            {
                "getme" => Ok(api.Bot),
                "getupdates" => Ok(await GetUpdatesAsync(api, request, context, lifetime)),
                "sendmessage" => Ok(api.SendMessage(
                    ChatId(request),
                    String(request, "text") ?? "",
                    request["reply_parameters"] is JsonObject reply ? Int(reply, "message_id") : Int(request, "reply_to_message_id"))),
                "editmessagetext" => Ok(api.EditMessageText(ChatId(request), Int(request, "message_id") ?? 0, String(request, "text") ?? "")),
                "sendmessagedraft" => OkTrue(() => api.SendMessageDraft(ChatId(request), Long(request, "draft_id") ?? 0, String(request, "text") ?? "")),
                "answercallbackquery" => Ok(true),
                "sendchataction" => OkTrue(() => api.SendChatAction(ChatId(request))),
                "getchatmember" => Ok(api.ChatMember(ChatId(request), Long(request, "user_id") ?? throw new StubApiException(400, "Bad Request: user_id is empty"))),
                "deletewebhook" or "setwebhook" or "setmycommands" or "close" or "logout" => Ok(true),
                _ => Error(404, "Not Found: method not found"),
            };
        }
        catch (StubApiException e)
        {
            return Error(e.ErrorCode, e.Message);
        }
    }

    /// <summary>A long poll ends early when the server stops, or shutting down would wait for it.</summary>
    private static async Task<Update[]> GetUpdatesAsync(StubBotApi api, JsonObject request, HttpContext context, IHostApplicationLifetime lifetime)
    {
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        try
        {
            return await api.GetUpdatesAsync(
                Int(request, "offset"),
                Int(request, "limit") ?? 100,
                TimeSpan.FromSeconds(Math.Min(Int(request, "timeout") ?? 0, MaxLongPoll.TotalSeconds)),
                ended.Token);
        }
        catch (OperationCanceledException)
        {
            return [];
        }
    }

    private static IResult OkTrue(Action action)
    {
        action();
        return Ok(true);
    }

    private static IResult Ok<T>(T result) =>
        Results.Content(
            new JsonObject { ["ok"] = true, ["result"] = JsonSerializer.SerializeToNode(result, JsonBotAPI.Options) }.ToJsonString(),
            "application/json");

    private static IResult Error(int code, string description) =>
        Results.Json(new { ok = false, error_code = code, description }, statusCode: code);

    /// <summary>The Bot API takes parameters as JSON, as a form, or in the query string.</summary>
    private static async Task<JsonObject> ReadParametersAsync(HttpRequest request)
    {
        var parameters = new JsonObject();
        foreach (var (key, value) in request.Query)
        {
            parameters[key] = value.ToString();
        }

        if (request.HasJsonContentType())
        {
            try
            {
                if (await JsonNode.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted) is JsonObject json)
                {
                    foreach (var (key, value) in json)
                    {
                        parameters[key] = value?.DeepClone();
                    }
                }
            }
            catch (JsonException)
            {
                throw new StubApiException(400, "Bad Request: can't parse JSON");
            }
        }
        else if (request.HasFormContentType)
        {
            foreach (var (key, value) in await request.ReadFormAsync(request.HttpContext.RequestAborted))
            {
                parameters[key] = value.ToString();
            }
        }

        return parameters;
    }

    private static long ChatId(JsonObject request) =>
        Long(request, "chat_id") ?? throw new StubApiException(400, "Bad Request: chat_id is empty");

    private static string? String(JsonObject request, string key) =>
        request[key] is JsonValue value && value.TryGetValue<string>(out var text) ? text : request[key]?.ToJsonString();

    private static long? Long(JsonObject request, string key) => request[key] switch
    {
        JsonValue value when value.TryGetValue<long>(out var number) => number,
        JsonValue value when value.TryGetValue<string>(out var text) && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed) => parsed,
        _ => null,
    };

    private static int? Int(JsonObject request, string key) => Long(request, key) is { } value ? (int)value : null;
}
