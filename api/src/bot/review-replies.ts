import { Composer } from "grammy";
import { type IncomingReply, storeGuestAnswer, storeManagerReply } from "../reviews/conversation";
import { reviewTextsFor } from "../reviews/review-texts";
import type { FeatureDeps } from "./feature-deps";
import type { BotContext } from "./update-transaction";

/**
 * The conversation after a review, carried by Telegram's "reply":
 * - in the managers' chat, a reply to a review message (or to a guest's answer there) is stored and
 *   sent to the guest privately ("Reply from <restaurant>: …");
 * - in a private chat, the guest's reply to such a message is stored and sent to the managers' chat
 *   as a reply to the review.
 * Both go through the outbox, so Telegram being down or rate-limiting us delays them, never loses
 * them; a re-sent update is stored once (the source message is unique). Any other message passes on
 * to the next feature. With privacy mode on, Telegram still gives a bot the replies to its own
 * messages in groups, which is all this needs.
 */
export function reviewRepliesFeature(deps: Pick<FeatureDeps, "logger" | "managerChatId">) {
  const feature = new Composer<BotContext>();
  feature.on("message", async (ctx, next) => {
    const message = ctx.message;
    const repliedTo = message.reply_to_message;
    const text = message.text ?? message.caption;
    if (!repliedTo || !text?.trim() || ctx.from.id === ctx.me.id) return next();
    const reply: IncomingReply = {
      chatId: ctx.chat.id,
      messageId: message.message_id,
      replyToMessageId: repliedTo.message_id,
      authorTelegramId: ctx.from.id,
      text,
    };
    const logContext = { updateId: ctx.update.update_id, chatId: ctx.chat.id, fromId: ctx.from.id };

    if (deps.managerChatId !== undefined && ctx.chat.id === deps.managerChatId) {
      const outcome = await storeManagerReply(ctx.db, reply);
      if (outcome === "not_a_review") return next();
      deps.logger.info({ ...logContext, outcome }, "review: manager reply stored for the guest");
      return;
    }
    if (ctx.chat.type === "private") {
      const outcome = await storeGuestAnswer(ctx.db, reply);
      if (outcome === "not_a_review") return next();
      deps.logger.info({ ...logContext, outcome }, "review: guest answer stored for the managers");
      if (outcome === "stored") {
        ctx.queueReply(reviewTextsFor(ctx.from.language_code).answerPassedOn, {
          reply_parameters: { message_id: message.message_id, allow_sending_without_reply: true },
        });
      }
      return;
    }
    return next();
  });
  return feature;
}
