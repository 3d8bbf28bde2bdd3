import { conflictStartParam, type TelegramUser } from "@guestcard/shared";
import { eq } from "drizzle-orm";
import { Composer } from "grammy";
import type { Database } from "../db/client";
import { accounts, telegramUsers } from "../db/schema";
import { recordPhoneConflict } from "../guest-records/phone-conflicts";
import { acceptVerifiedPhone, phoneHolder } from "../guests/guests";
import { normalizePhone, readablePhone } from "../guests/phone";
import { recordSourceEvent } from "../sources/attribution";
import { escapeHtml, userLink } from "../telegram/html";
import { type FeatureDeps, telegramUserFrom } from "./feature-deps";
import { miniAppKeyboard, removeKeyboard, sharePhoneKeyboard } from "./keyboards";
import { restaurantTexts, textsFor } from "./texts";
import type { BotContext } from "./update-transaction";

/**
 * A contact message in a private chat: the guest's phone, verified by Telegram — but only when it is
 * the sender's own contact (`contact.user_id === from.id`; a forwarded card or one picked from the
 * address book has another id or none). The same message arrives whether the guest tapped the reply
 * keyboard's button or the Mini App called `requestContact()`.
 */
export function contactFeature(deps: FeatureDeps) {
  const feature = new Composer<BotContext>();
  feature.chatType("private").on("message:contact", async (ctx) => {
    const { contact } = ctx.message;
    const user = telegramUserFrom(ctx.from);
    const texts = textsFor(user.languageCode);

    if (contact.user_id === undefined || contact.user_id !== ctx.from.id) {
      deps.logger.info(
        { updateId: ctx.update.update_id, fromId: ctx.from.id, hasUserId: contact.user_id !== undefined },
        "contact refused: not the sender's own",
      );
      ctx.queueReply(texts.foreignContact, { reply_markup: sharePhoneKeyboard(texts) });
      return;
    }
    const phone = normalizePhone(contact.phone_number);
    if (!phone) {
      deps.logger.info(
        { updateId: ctx.update.update_id, fromId: ctx.from.id },
        "contact refused: unreadable phone",
      );
      ctx.queueReply(texts.unreadablePhone, { reply_markup: sharePhoneKeyboard(texts) });
      return;
    }

    const previousPhone = await verifiedPhoneOf(ctx.db, user.id);
    const { outcome } = await acceptVerifiedPhone(ctx.db, user, phone);
    await recordSourceEvent(ctx.db, user.id, "phone_shared");
    if (outcome === "linked") await recordSourceEvent(ctx.db, user.id, "registered");
    deps.logger.info({ updateId: ctx.update.update_id, fromId: user.id, outcome }, "phone shared");

    if (outcome === "phone_conflict") {
      ctx.queueReply(texts.phoneConflict, { reply_markup: removeKeyboard });
      const holder = await phoneHolder(ctx.db, phone, user.id);
      const [account] = await ctx.db
        .select({ id: accounts.id })
        .from(accounts)
        .where(eq(accounts.phone, phone));
      // Stored for the managers to decide (api/src/guest-records/phone-conflicts.ts); the alert links to it.
      const conflictId = account
        ? await recordPhoneConflict(ctx.db, {
            phone,
            accountId: account.id,
            holderTelegramUserId: holder?.id ?? null,
            claimantTelegramUserId: user.id,
          })
        : undefined;
      // Sharing the same number again changes nothing, so the managers hear about it once.
      if (previousPhone !== phone) await alertManagers(deps, ctx, { user, holder, phone, conflictId });
      return;
    }

    // One message carries one keyboard: the reply keyboard goes first, in a message of its own.
    ctx.queueReply(texts.phoneReceived, { reply_markup: removeKeyboard });
    const [text, label] =
      outcome === "linked"
        ? [texts.linked, texts.openCardButton]
        : outcome === "already_registered"
          ? [texts.alreadyRegistered, texts.openCardButton]
          : [texts.needsRegistration, texts.registerButton];
    const keyboard = miniAppKeyboard(label, deps.miniAppUrl);
    ctx.queueReply(keyboard ? text : `${text}\n${texts.openFromMenuHint}`, { reply_markup: keyboard });
  });
  return feature;
}

async function verifiedPhoneOf(db: Database, telegramUserId: number): Promise<string | null> {
  const [row] = await db
    .select({ phone: telegramUsers.phone })
    .from(telegramUsers)
    .where(eq(telegramUsers.id, telegramUserId));
  return row?.phone ?? null;
}

/**
 * Tells the managers' chat about a phone conflict. Queued with the update's other messages, so it is
 * sent once the conflict is committed, paced with the reviews, and retried if Telegram is away.
 */
async function alertManagers(
  deps: FeatureDeps,
  ctx: BotContext,
  conflict: {
    user: TelegramUser;
    holder: Awaited<ReturnType<typeof phoneHolder>>;
    phone: string;
    conflictId: number | undefined;
  },
) {
  const { user, holder, phone, conflictId } = conflict;
  if (deps.managerChatId === undefined) {
    deps.logger.warn({ fromId: user.id }, "phone conflict: MANAGER_CHAT_ID is not set, no alert sent");
    return;
  }
  const fullName = (person: { firstName: string; lastName?: string | null; username?: string | null }) =>
    [person.firstName, person.lastName].filter(Boolean).join(" ") +
    (person.username ? ` (@${person.username})` : "");
  const text = restaurantTexts.managerPhoneConflict({
    guest: userLink(user.id, fullName(user)),
    holder: holder ? userLink(holder.id, fullName(holder)) : null,
    phone: escapeHtml(readablePhone(phone)),
  });
  // A Mini App link opens the conflict in the managers' screen (`startapp=conflict-<id>`); a URL button,
  // because group chats take no `web_app` buttons.
  const botUsername = ctx.me?.username;
  const link =
    conflictId !== undefined && botUsername
      ? `https://t.me/${botUsername}/${await deps.miniAppShortName(ctx.db)}?startapp=${conflictStartParam(conflictId)}`
      : undefined;
  ctx.queueMessage(deps.managerChatId, text, {
    parse_mode: "HTML",
    ...(link
      ? {
          reply_markup: {
            inline_keyboard: [[{ text: restaurantTexts.managerOpenConflictButton, url: link }]],
          },
        }
      : {}),
  });
}
