import { Composer } from "grammy";
import { resolveGuest } from "../guests/guests";
import { type FeatureDeps, telegramUserFrom } from "./feature-deps";
import { miniAppKeyboard, sharePhoneKeyboard } from "./keyboards";
import { textsFor } from "./texts";
import type { BotContext } from "./update-transaction";

/**
 * Any other text in a private chat: the bot has nothing to talk about, so it points at the next
 * step. Registered last, so any feature that handles private texts (a guest's answer to a manager's
 * reply, say) gets them first. Nothing is stored.
 */
export function fallbackFeature(deps: FeatureDeps) {
  const feature = new Composer<BotContext>();
  feature.chatType("private").on("message:text", async (ctx) => {
    const user = telegramUserFrom(ctx.from);
    const texts = textsFor(user.languageCode);
    const state = await resolveGuest(ctx.db, user.id);
    if (state.status === "needs_phone") {
      ctx.queueReply(texts.fallbackNeedsPhone, { reply_markup: sharePhoneKeyboard(texts) });
      return;
    }
    if (state.status === "phone_conflict") {
      ctx.queueReply(texts.phoneConflict);
      return;
    }
    const label = state.status === "registered" ? texts.openCardButton : texts.registerButton;
    const keyboard = miniAppKeyboard(label, deps.miniAppUrl);
    ctx.queueReply(
      keyboard ? texts.fallbackWithPhone : `${texts.fallbackWithPhone}\n${texts.openFromMenuHint}`,
      {
        reply_markup: keyboard,
      },
    );
  });
  return feature;
}
