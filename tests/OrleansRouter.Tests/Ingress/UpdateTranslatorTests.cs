using OrleansRouter.Grains;
using System.Text.Json;
using System.Text.Json.Nodes;
using OrleansRouter.Host.Ingress;
using Telegram.Bot;
using Telegram.Bot.Types;

namespace OrleansRouter.Tests.Ingress;

/// <summary>Updates as the Bot API sends them, read by the real Telegram.Bot client, then translated.</summary>
public sealed class UpdateTranslatorTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    private static Update Parse(long chatId, string field, JsonNode content)
    {
        var message = new JsonObject
        {
            ["message_id"] = 5,
            ["date"] = 1_760_000_000,
            ["chat"] = chatId > 0
                ? new JsonObject { ["id"] = chatId, ["type"] = "private", ["first_name"] = "T" }
                : new JsonObject { ["id"] = chatId, ["type"] = "supergroup", ["title"] = "G" },
            ["from"] = new JsonObject { ["id"] = 1, ["is_bot"] = false, ["first_name"] = "T" },
            [field] = content,
        };
        return JsonSerializer.Deserialize<Update>(new JsonObject { ["update_id"] = 77, ["message"] = message }.ToJsonString(), JsonBotAPI.Options)!;
    }

    private static JsonObject Chat => new() { ["id"] = -100123, ["type"] = "channel", ["title"] = "C" };

    private static JsonObject Photo => new() { ["file_id"] = "f", ["file_unique_id"] = "u", ["width"] = 1, ["height"] = 1 };

    public static TheoryData<string, string> Unsupported => new()
    {
        { "story", new JsonObject { ["chat"] = Chat, ["id"] = 3 }.ToJsonString() },
        { "game", new JsonObject { ["title"] = "g", ["description"] = "d", ["photo"] = new JsonArray(Photo) }.ToJsonString() },
        { "invoice", new JsonObject { ["title"] = "t", ["description"] = "d", ["start_parameter"] = "s", ["currency"] = "XTR", ["total_amount"] = 1 }.ToJsonString() },
        { "paid_media", new JsonObject { ["star_count"] = 5, ["paid_media"] = new JsonArray(new JsonObject { ["type"] = "preview" }) }.ToJsonString() },
        { "sticker", new JsonObject { ["file_id"] = "f", ["file_unique_id"] = "u", ["type"] = "regular", ["width"] = 1, ["height"] = 1, ["is_animated"] = false, ["is_video"] = false }.ToJsonString() },
        { "dice", new JsonObject { ["emoji"] = "🎲", ["value"] = 3 }.ToJsonString() },
    };

    [Theory]
    [MemberData(nameof(Unsupported))]
    public void A_message_the_router_cannot_read_goes_to_its_chat_without_text_so_it_gets_the_not_supported_reply(string field, string content)
    {
        var translated = UpdateTranslator.Translate(Parse(42, field, JsonNode.Parse(content)!), Now);

        Assert.NotNull(translated);
        Assert.Null(translated.Text);
        Assert.Equal((77L, 42L, 5), (translated.UpdateId, translated.ChatId, translated.MessageId));
    }

    public static TheoryData<string, string> Service => new()
    {
        { "new_chat_members", new JsonArray(new JsonObject { ["id"] = 9, ["is_bot"] = false, ["first_name"] = "N" }).ToJsonString() },
        { "left_chat_member", new JsonObject { ["id"] = 9, ["is_bot"] = false, ["first_name"] = "N" }.ToJsonString() },
        { "new_chat_title", "\"renamed\"" },
        { "pinned_message", new JsonObject { ["message_id"] = 1, ["date"] = 0, ["chat"] = new JsonObject { ["id"] = -100, ["type"] = "supergroup", ["title"] = "G" } }.ToJsonString() },
        { "forum_topic_created", new JsonObject { ["name"] = "t", ["icon_color"] = 1 }.ToJsonString() },
    };

    [Theory]
    [MemberData(nameof(Service))]
    public void A_service_message_is_not_routed(string field, string content) =>
        Assert.Null(UpdateTranslator.Translate(Parse(-100, field, JsonNode.Parse(content)!), Now));

    [Fact]
    public void A_kind_newer_than_the_client_is_answered_in_a_private_chat_and_silent_in_a_group()
    {
        var content = new JsonObject { ["anything"] = 1 };

        Assert.NotNull(UpdateTranslator.Translate(Parse(42, "some_future_kind", content.DeepClone()), Now));
        Assert.Null(UpdateTranslator.Translate(Parse(-100, "some_future_kind", content.DeepClone()), Now));
    }

    [Fact]
    public void A_caption_is_read_as_text()
    {
        var update = Parse(42, "photo", new JsonArray(Photo));
        update.Message!.Caption = "look";

        Assert.Equal("look", UpdateTranslator.Translate(update, Now)!.Text);
    }

    private static Update ParseUpdate(JsonObject update) => JsonSerializer.Deserialize<Update>(update.ToJsonString(), JsonBotAPI.Options)!;

    [Fact]
    public void A_press_of_the_stop_button_under_a_placeholder_is_the_chats_cancel_with_the_query_to_answer()
    {
        var update = ParseUpdate(new JsonObject
        {
            ["update_id"] = 78,
            ["callback_query"] = new JsonObject
            {
                ["id"] = "q-1",
                ["from"] = new JsonObject { ["id"] = 9, ["is_bot"] = false, ["first_name"] = "T" },
                ["message"] = new JsonObject { ["message_id"] = 31, ["date"] = 1_760_000_000, ["chat"] = new JsonObject { ["id"] = -100, ["type"] = "supergroup", ["title"] = "G" } },
                ["chat_instance"] = "i",
                ["data"] = "stop",
            },
        });

        var translated = UpdateTranslator.Translate(update, Now);

        Assert.NotNull(translated);
        Assert.Equal((78L, -100L, 31, "/cancel", 9L, "q-1", true), (translated.UpdateId, translated.ChatId, translated.MessageId, translated.Text,
            translated.SenderId, translated.CallbackQueryId, translated.IsGroup));
    }

    [Fact]
    public void A_press_of_a_drafts_stop_button_is_the_private_chats_cancel()
    {
        var update = ParseUpdate(new JsonObject
        {
            ["update_id"] = 79,
            ["stopped_message_generation"] = new JsonObject { ["chat"] = new JsonObject { ["id"] = 42, ["type"] = "private", ["first_name"] = "T" }, ["draft_id"] = 5 },
        });

        var translated = UpdateTranslator.Translate(update, Now);

        Assert.NotNull(translated);
        Assert.Equal((42L, "/cancel", 42L, 5L), (translated.ChatId, translated.Text, translated.SenderId, translated.StoppedDraftId));
    }

    [Fact]
    public void A_button_press_with_other_data_is_not_routed()
    {
        var update = ParseUpdate(new JsonObject
        {
            ["update_id"] = 80,
            ["callback_query"] = new JsonObject
            {
                ["id"] = "q-2",
                ["from"] = new JsonObject { ["id"] = 9, ["is_bot"] = false, ["first_name"] = "T" },
                ["chat_instance"] = "i",
                ["data"] = "something else",
            },
        });

        Assert.Null(UpdateTranslator.Translate(update, Now));
    }

    [Fact]
    public void A_photo_keeps_its_largest_size_a_bot_may_download()
    {
        var sizes = new JsonArray(
            new JsonObject { ["file_id"] = "small", ["file_unique_id"] = "s", ["width"] = 90, ["height"] = 90, ["file_size"] = 1_000 },
            new JsonObject { ["file_id"] = "large", ["file_unique_id"] = "l", ["width"] = 1280, ["height"] = 1280, ["file_size"] = 200_000 },
            new JsonObject { ["file_id"] = "huge", ["file_unique_id"] = "h", ["width"] = 9000, ["height"] = 9000, ["file_size"] = 30_000_000 });

        var file = Assert.Single(UpdateTranslator.Translate(Parse(42, "photo", sizes), Now)!.Files!);

        Assert.Equal(new InboundFile("large", 5, InboundFileKind.Photo, "image/jpeg", null, 200_000), file);
    }

    [Theory]
    [InlineData("voice", InboundFileKind.Voice, "audio/ogg")]
    [InlineData("video_note", InboundFileKind.VideoNote, "video/mp4")]
    [InlineData("document", InboundFileKind.Document, "application/octet-stream")]
    public void A_file_without_a_stated_type_gets_the_one_Telegram_uses_for_its_kind(string field, InboundFileKind kind, string mediaType)
    {
        var content = new JsonObject { ["file_id"] = "f", ["file_unique_id"] = "u", ["duration"] = 3, ["length"] = 240 };

        var translated = UpdateTranslator.Translate(Parse(42, field, content), Now)!;

        Assert.Null(translated.Text);
        Assert.Equal((kind, mediaType), (translated.Files![0].Kind, translated.Files[0].MediaType));
    }
}
