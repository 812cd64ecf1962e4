using Telegram.Bot.Types.Enums;

namespace OrleansRouter.Host.Ingress;

/// <summary>What the router does with a message that carries neither text nor a caption.</summary>
public enum MessageHandling
{
    /// <summary>Something a user sent that the router cannot read: the chat answers that it is not supported.</summary>
    Unsupported,

    /// <summary>A service message (members, titles, pins, payments, gifts…): nobody expects an answer, so it is not routed.</summary>
    Silent,
}

/// <summary>
/// The table of Telegram.Bot's message types (Bot API 9.x), each decided once: user content gets the "not supported"
/// reply rather than silence; service messages stay silent. A type this table does not know (a newer Bot API than
/// the client's, <see cref="MessageType.Unknown"/>) is answered in a private chat, where a person just sent it, and
/// left silent in groups, where new service messages would otherwise draw a reply from the bot each time.
/// </summary>
public static class MessageKinds
{
    public static MessageHandling Of(MessageType type, bool isPrivate) => type switch
    {
        MessageType.Photo or MessageType.Audio or MessageType.Video or MessageType.Voice or MessageType.Document
            or MessageType.Sticker or MessageType.Location or MessageType.Contact or MessageType.Venue or MessageType.Game
            or MessageType.VideoNote or MessageType.Invoice or MessageType.Poll or MessageType.Dice or MessageType.Animation
            or MessageType.Story or MessageType.PaidMedia or MessageType.Giveaway or MessageType.GiveawayWinners
            or MessageType.Checklist or MessageType.LivePhoto or MessageType.RichMessage or MessageType.WebAppData
            or MessageType.UsersShared or MessageType.ChatShared or MessageType.PassportData => MessageHandling.Unsupported,

        MessageType.SuccessfulPayment or MessageType.RefundedPayment or MessageType.ConnectedWebsite
            or MessageType.NewChatMembers or MessageType.LeftChatMember or MessageType.NewChatTitle or MessageType.NewChatPhoto
            or MessageType.PinnedMessage or MessageType.DeleteChatPhoto or MessageType.GroupChatCreated
            or MessageType.SupergroupChatCreated or MessageType.ChannelChatCreated or MessageType.MigrateFromChatId
            or MessageType.MigrateToChatId or MessageType.MessageAutoDeleteTimerChanged or MessageType.ProximityAlertTriggered
            or MessageType.VideoChatScheduled or MessageType.VideoChatStarted or MessageType.VideoChatEnded
            or MessageType.VideoChatParticipantsInvited or MessageType.ForumTopicCreated or MessageType.ForumTopicClosed
            or MessageType.ForumTopicReopened or MessageType.ForumTopicEdited or MessageType.GeneralForumTopicHidden
            or MessageType.GeneralForumTopicUnhidden or MessageType.WriteAccessAllowed or MessageType.GiveawayCreated
            or MessageType.GiveawayCompleted or MessageType.BoostAdded or MessageType.ChatBackgroundSet or MessageType.Gift
            or MessageType.UniqueGift or MessageType.GiftUpgradeSent or MessageType.PaidMessagePriceChanged
            or MessageType.DirectMessagePriceChanged or MessageType.ChecklistTasksDone or MessageType.ChecklistTasksAdded
            or MessageType.SuggestedPostApproved or MessageType.SuggestedPostApprovalFailed or MessageType.SuggestedPostDeclined
            or MessageType.SuggestedPostPaid or MessageType.SuggestedPostRefunded or MessageType.ChatOwnerLeft
            or MessageType.ChatOwnerChanged or MessageType.ManagedBotCreated or MessageType.PollOptionAdded
            or MessageType.PollOptionDeleted or MessageType.CommunityChatAdded or MessageType.CommunityChatRemoved
            or MessageType.CommunityChatJoined => MessageHandling.Silent,

        _ => isPrivate ? MessageHandling.Unsupported : MessageHandling.Silent,
    };
}
