import type { TelegramUser } from "@guestcard/shared";
import { and, desc, eq, isNull, sql } from "drizzle-orm";
import { Composer } from "grammy";
import type { FeatureDeps } from "../bot/feature-deps";
import { telegramUserFrom } from "../bot/feature-deps";
import { describeError } from "../bot/update-log";
import type { BotContext } from "../bot/update-transaction";
import type { Database } from "../db/client";
import { consents, telegramUsers } from "../db/schema";
import { consentVersionFor } from "../registration/registration";
import { broadcastTextsFor, unsubscribeCallbackData } from "./broadcast-texts";

export type UnsubscribeOutcome = "withdrawn" | "not_subscribed" | "no_account";

/**
 * Withdraws the guest's marketing consent: a withdrawal appended to the history (the grant stays on
 * record), in the caller's transaction — the bot update's own, so it commits with the update's
 * record (docs/decisions/014-bot-updates-exactly-once.md). Nothing is written when there is nothing
 * to withdraw. Only the Mini App's "My data" gives consent back; /start never does.
 */
export async function unsubscribe(db: Database, user: TelegramUser): Promise<UnsubscribeOutcome> {
  const [guest] = await db
    .select({ accountId: telegramUsers.accountId })
    .from(telegramUsers)
    .where(eq(telegramUsers.id, user.id));
  const accountId = guest?.accountId;
  if (!accountId) return "no_account";
  const [latest] = await db
    .select({ granted: consents.granted })
    .from(consents)
    .where(and(eq(consents.accountId, accountId), eq(consents.kind, "marketing")))
    .orderBy(desc(consents.recordedAt), desc(consents.id))
    .limit(1);
  if (!latest?.granted) return "not_subscribed";
  await db
    .insert(consents)
    .values({ accountId, kind: "marketing", granted: false, textVersion: consentVersionFor(user) });
  return "withdrawn";
}

/** Notes that this user has a private chat with the bot: only then may the bot write to them first. */
async function notePrivateChat(db: Database, telegramUserId: number): Promise<void> {
  await db
    .update(telegramUsers)
    .set({ privateChatAt: sql`now()` })
    .where(and(eq(telegramUsers.id, telegramUserId), isNull(telegramUsers.privateChatAt)));
}

/**
 * The guest's side of broadcasts in the bot:
 * - any message in the private chat (after the other features ran, so a first /start has stored the
 *   user) marks the chat as known: broadcasts and greetings go only to such chats;
 * - `/stop` withdraws marketing consent and says so;
 * - the Unsubscribe button under a broadcast or a greeting does the same, answers the button and
 *   says so in a message (queued: sent once the withdrawal has committed).
 * Registered first, so its `/stop` is not taken by the fallback.
 */
export function broadcastConsentFeature(deps: FeatureDeps) {
  const feature = new Composer<BotContext>();
  const privateChat = feature.chatType("private");

  privateChat.on("message", async (ctx, next) => {
    await next();
    await notePrivateChat(ctx.db, ctx.from.id);
  });

  privateChat.command("stop", async (ctx) => {
    const user = telegramUserFrom(ctx.from);
    const texts = broadcastTextsFor(user.languageCode);
    const outcome = await unsubscribe(ctx.db, user);
    deps.logger.info({ updateId: ctx.update.update_id, fromId: user.id, outcome }, "bot: /stop");
    ctx.queueReply(
      outcome === "withdrawn"
        ? texts.unsubscribed
        : outcome === "no_account"
          ? texts.noCard
          : texts.notSubscribed,
    );
  });

  feature.callbackQuery(unsubscribeCallbackData, async (ctx) => {
    const user = telegramUserFrom(ctx.from);
    const texts = broadcastTextsFor(user.languageCode);
    const outcome = await unsubscribe(ctx.db, user);
    deps.logger.info({ updateId: ctx.update.update_id, fromId: user.id, outcome }, "bot: unsubscribe button");
    // Stops the button's spinner. Not an effect of the update: if this transaction does not commit,
    // Telegram sends the update again and the second answer simply fails, which changes nothing.
    await ctx
      .answerCallbackQuery({ text: texts.unsubscribedToast })
      .catch((error: unknown) =>
        deps.logger.warn({ error: describeError(error) }, "bot: could not answer the Unsubscribe button"),
      );
    if (ctx.chat?.type === "private") {
      ctx.queueReply(
        outcome === "withdrawn"
          ? texts.unsubscribed
          : outcome === "no_account"
            ? texts.noCard
            : texts.notSubscribed,
      );
    }
  });
  return feature;
}
