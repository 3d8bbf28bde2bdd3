import { Composer } from "grammy";
import { rememberTelegramUser, resolveGuest } from "../guests/guests";
import { recordSourceEvent } from "../sources/attribution";
import { type FeatureDeps, telegramUserFrom } from "./feature-deps";
import { miniAppKeyboard, sharePhoneKeyboard } from "./keyboards";
import { textsFor } from "./texts";

/**
 * `/start [payload]` in a private chat: greets, records the `started` step for the acquisition source
 * the payload names (a malformed or unknown code is ignored), then offers the next step — the
 * contact button while we have no phone, the Mini App button once we do.
 */
export function startFeature(deps: FeatureDeps) {
  const feature = new Composer();
  feature.chatType("private").command("start", async (ctx) => {
    const user = telegramUserFrom(ctx.from);
    const texts = textsFor(user.languageCode);
    await rememberTelegramUser(deps.db, user);
    await recordSourceEvent(deps.db, user.id, "started", ctx.match);
    const [state, restaurant] = await Promise.all([resolveGuest(deps.db, user.id), deps.restaurantName()]);

    if (state.status === "needs_phone") {
      await ctx.reply(texts.greetingNeedsPhone(user.firstName, restaurant), {
        reply_markup: sharePhoneKeyboard(texts),
      });
      return;
    }
    if (state.status === "phone_conflict") {
      await ctx.reply(`${texts.greetingWithPhone(user.firstName, restaurant)}\n\n${texts.phoneConflict}`);
      return;
    }
    const label = state.status === "registered" ? texts.openCardButton : texts.registerButton;
    const keyboard = miniAppKeyboard(label, deps.miniAppUrl);
    const greeting = texts.greetingWithPhone(user.firstName, restaurant);
    await ctx.reply(keyboard ? greeting : `${greeting}\n${texts.openFromMenuHint}`, {
      reply_markup: keyboard,
    });
  });
  return feature;
}
