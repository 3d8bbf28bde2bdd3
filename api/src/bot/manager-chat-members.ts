import { Composer } from "grammy";
import type { ChatMember } from "grammy/types";
import { forgetChatMembers, membershipFact, recordMembership } from "../managers/manager-chat-members";
import type { FeatureDeps } from "./feature-deps";
import type { BotContext } from "./update-transaction";

/**
 * What the bot asks Telegram for besides messages, to keep the managers' list
 * (`manager_chat_members`) current: `chat_member` (someone's status changed; sent to a bot that is an
 * administrator of the chat) and `my_chat_member` (the bot's own).
 */
export const managerChatUpdates = ["chat_member", "my_chat_member"] as const;

/**
 * Keeps `manager_chat_members` current from what Telegram tells the bot about the managers' chat
 * (docs/decisions/017-hot-paths.md), in the update's own transaction:
 * - `chat_member`: a member's new status, as of the update's date;
 * - the chat's service messages (delivered whatever the privacy mode): members who joined or left;
 * - any message from a person in the chat: they are in it now;
 * - `my_chat_member`: the bot left or was removed — nobody counts as a member until it is back and
 *   `onBotAdded` (the refresh from getChatAdministrators) has run.
 * Messages pass on to the other features.
 */
export function managerChatMembersFeature(
  deps: Pick<FeatureDeps, "managerChatId"> & { onBotAdded?: () => void },
) {
  const feature = new Composer<BotContext>();
  const chatId = deps.managerChatId;
  if (chatId === undefined) return feature;
  const inManagersChat = feature.filter((ctx) => ctx.chat?.id === chatId);

  inManagersChat.on("chat_member", async (ctx) => {
    const update = ctx.chatMember;
    if (update.new_chat_member.user.is_bot) return;
    await recordMembership(ctx.db, chatId, [
      membershipFact(update.new_chat_member, new Date(update.date * 1000)),
    ]);
  });

  inManagersChat.on("my_chat_member", async (ctx) => {
    const status = ctx.myChatMember.new_chat_member.status;
    if (status === "left" || status === "kicked") await forgetChatMembers(ctx.db, chatId);
    else deps.onBotAdded?.();
  });

  inManagersChat.on("message", async (ctx, next) => {
    const message = ctx.message;
    const asOf = new Date(message.date * 1000);
    const member = (user: ChatMember["user"]) => ({ user, status: "member" }) as ChatMember;
    const joined = (message.new_chat_members ?? []).filter((user) => !user.is_bot);
    const left = message.left_chat_member;
    const facts = joined.map((user) => membershipFact(member(user), asOf));
    if (left && !left.is_bot) facts.push({ userId: left.id, status: "left", isMember: false, asOf });
    await recordMembership(ctx.db, chatId, facts);
    // A person writing in the chat is in it (not an anonymous admin or a channel: `sender_chat`);
    // a message from someone already known as a member writes nothing.
    const writer = !message.sender_chat && !ctx.from.is_bot && !left && !joined.length ? ctx.from : undefined;
    if (writer) {
      await recordMembership(ctx.db, chatId, [membershipFact(member(writer), asOf)], {
        onlyIfNotMember: true,
      });
    }
    return next();
  });
  return feature;
}
