import { Composer } from "grammy";
import { rememberTelegramUser, resolveGuest } from "../guests/guests";
import { recordSourceEvent } from "../sources/attribution";
import { type FeatureDeps, telegramUserFrom } from "./feature-deps";
import { miniAppKeyboard, sharePhoneKeyboard } from "./keyboards";
import { textsFor } from "./texts";
import type { BotContext } from "./update-transaction";

/**
 * `/start [payload]` in a private chat: greets, records the `started` step for the acquisition source
 * the payload names (a malformed or unknown code is ignored), then offers the next step — the
 * contact button while we have no phone, the Mini App button once we do.
 */
export function startFeature(deps: FeatureDeps) {
  const feature = new Composer<BotContext>();
  feature.chatType("private").command("start", async (ctx) => {
    const user = telegramUserFrom(ctx.from);
    const texts = textsFor(user.languageCode);
    await rememberTelegramUser(ctx.db, user);
    await recordSourceEvent(ctx.db, user.id, "started", ctx.match);
    // One after the other: statements of one transaction share its connection.
    const state = await resolveGuest(ctx.db, user.id);
    const restaurant = await deps.restaurantName(ctx.db);

    if (state.status === "needs_phone") {
      ctx.queueReply(texts.greetingNeedsPhone(user.firstName, restaurant), {
        reply_markup: sharePhoneKeyboard(texts),
      });
      return;
    }
    if (state.status === "phone_conflict") {
      ctx.queueReply(`${texts.greetingWithPhone(user.firstName, restaurant)}\n\n${texts.phoneConflict}`);
      return;
    }
    const label = state.status === "registered" ? texts.openCardButton : texts.registerButton;
    const keyboard = miniAppKeyboard(label, deps.miniAppUrl);
    const greeting = texts.greetingWithPhone(user.firstName, restaurant);
    ctx.queueReply(keyboard ? greeting : `${greeting}\n${texts.openFromMenuHint}`, {
      reply_markup: keyboard,
    });
  });
  return feature;
}
