import { type Language, pickLanguage } from "@guestcard/shared";
import type { BotTexts } from "./bot-texts";
import { en } from "./en";
import { ru } from "./ru";

export type { BotTexts } from "./bot-texts";

const byLanguage: Record<Language, BotTexts> = { ru, en };

/**
 * The restaurant's own language: used where there is no user to ask (the managers' chat, the
 * menu button that every user sees alike).
 */
export const restaurantLanguage: Language = "ru";

/** Russian for `ru`, English for everyone else (Telegram's `language_code`). */
export function textsFor(languageCode: string | null | undefined): BotTexts {
  return byLanguage[pickLanguage(languageCode)];
}

export const restaurantTexts: BotTexts = byLanguage[restaurantLanguage];
