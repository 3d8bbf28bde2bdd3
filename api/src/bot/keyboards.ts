import { InlineKeyboard, Keyboard } from "grammy";
import type { BotTexts } from "./texts";

/** The reply keyboard with its one button: Telegram asks the user, then sends their own contact. */
export function sharePhoneKeyboard(texts: BotTexts) {
  return new Keyboard().requestContact(texts.sharePhoneButton).resized();
}

export const removeKeyboard = { remove_keyboard: true } as const;

/**
 * The inline button that opens the Mini App. `web_app` buttons only work in private chats, and only
 * with an https URL, so without PUBLIC_URL there is none (the menu button, set in BotFather, remains).
 */
export function miniAppKeyboard(label: string, miniAppUrl: string | undefined) {
  return miniAppUrl ? new InlineKeyboard().webApp(label, miniAppUrl) : undefined;
}
