import { type Language, pickLanguage } from "@guestcard/shared";
import type { InlineKeyboardButton, InlineKeyboardMarkup } from "grammy/types";

/**
 * What the guest sees of broadcasts and birthday greetings, in their language (Telegram's
 * `language_code`: Russian for `ru`, English for everyone else). Plain text: these messages are
 * sent without `parse_mode`, so nothing here (or in a manager's text) is read as markup.
 */
export interface BroadcastTexts {
  /** The inline button under every broadcast and greeting: withdraws marketing consent. */
  unsubscribeButton: string;
  /** The optional button that opens the Mini App. */
  openCardButton: string;
  /** After Unsubscribe or /stop. */
  unsubscribed: string;
  /** Unsubscribe or /stop again, or by someone who never agreed. */
  notSubscribed: string;
  /** /stop from someone without a card: there is nothing to stop. */
  noCard: string;
  /** The callback's short toast. */
  unsubscribedToast: string;
  birthdayGreeting(firstName: string, restaurant: string, points: number): string;
}

const ruPlural = new Intl.PluralRules("ru");
const ruPoints = { one: "балл", few: "балла", many: "баллов", other: "балла" } as const;

const ru: BroadcastTexts = {
  unsubscribeButton: "Отписаться",
  openCardButton: "Открыть карту",
  unsubscribed:
    "Вы отписались от предложений и новостей: такие сообщения больше не придут. Подписаться снова можно в карте, в разделе «Мои данные».",
  notSubscribed:
    "Вы не подписаны на предложения и новости. Подписаться можно в карте, в разделе «Мои данные».",
  noCard: "У вас пока нет карты, поэтому мы не присылаем вам предложения и новости.",
  unsubscribedToast: "Вы отписались",
  birthdayGreeting: (firstName, restaurant, points) =>
    `🎂 ${firstName}, с днём рождения! ${restaurant} желает вам чудесного дня.` +
    (points > 0
      ? ` Мы начислили вам ${points} ${ruPoints[ruPlural.select(points) as keyof typeof ruPoints] ?? "баллов"} — ждём вас в гости!`
      : " Ждём вас в гости!"),
};

const en: BroadcastTexts = {
  unsubscribeButton: "Unsubscribe",
  openCardButton: "Open the card",
  unsubscribed:
    "You have unsubscribed from offers and news: no more such messages will come. You can subscribe again in the card, under “My data”.",
  notSubscribed: "You are not subscribed to offers and news. You can subscribe in the card, under “My data”.",
  noCard: "You have no card yet, so we send you no offers or news.",
  unsubscribedToast: "Unsubscribed",
  birthdayGreeting: (firstName, restaurant, points) =>
    `🎂 Happy birthday, ${firstName}! ${restaurant} wishes you a wonderful day.` +
    (points > 0
      ? ` We have added ${points} ${points === 1 ? "point" : "points"} to your card — come and see us!`
      : " Come and see us!"),
};

const byLanguage: Record<Language, BroadcastTexts> = { ru, en };

export function broadcastTextsFor(languageCode: string | null | undefined): BroadcastTexts {
  return byLanguage[pickLanguage(languageCode)];
}

/** The callback data of the Unsubscribe button (Telegram allows 1–64 bytes). */
export const unsubscribeCallbackData = "marketing:unsubscribe";

/** The inline keyboard under a broadcast or a greeting: Open the card (optional), then Unsubscribe. */
export function broadcastKeyboard(
  texts: BroadcastTexts,
  options: { openAppButton: boolean; miniAppUrl: string | undefined },
): InlineKeyboardMarkup {
  const rows: InlineKeyboardButton[][] = [];
  // web_app buttons need an https URL: without PUBLIC_URL the menu button remains the way in.
  if (options.openAppButton && options.miniAppUrl) {
    rows.push([{ text: texts.openCardButton, web_app: { url: options.miniAppUrl } }]);
  }
  rows.push([{ text: texts.unsubscribeButton, callback_data: unsubscribeCallbackData }]);
  return { inline_keyboard: rows };
}
