import { type Language, pickLanguage } from "@guestcard/shared";

/**
 * The words of review messages. Every function receives ready-made, already escaped HTML
 * fragments (names, links, quotes) and returns HTML for `parse_mode: "HTML"`.
 */
export interface ReviewTexts {
  newReview: string;
  reviewPart(partNumber: number, partCount: number): string;
  guest: string;
  phone: string;
  noPhone: string;
  noRating: string;
  /** Sent privately to the guest: the header of a manager's reply. */
  replyFrom(restaurant: string): string;
  /** Under a manager's reply: how the guest answers. */
  replyHint: string;
  /** In the managers' chat, replying to the review: the guest's answer. */
  guestAnswer: string;
  /** Sent to the guest once their answer is stored. */
  answerPassedOn: string;
  continued(partNumber: number, partCount: number): string;
}

const ru: ReviewTexts = {
  newReview: "📝 <b>Новый отзыв</b>",
  reviewPart: (partNumber, partCount) => `📝 <b>Отзыв, часть ${partNumber} из ${partCount}</b>`,
  guest: "Гость",
  phone: "Телефон",
  noPhone: "не указан",
  noRating: "без оценки",
  replyFrom: (restaurant) => `💬 <b>Ответ от «${restaurant}»</b> на ваш отзыв`,
  replyHint: "<i>Чтобы ответить, ответьте на это сообщение (Ответить / Reply).</i>",
  guestAnswer: "↩️ <b>Ответ гостя</b>",
  answerPassedOn: "Спасибо! Передаём ваш ответ ресторану.",
  continued: (partNumber, partCount) => `<i>(часть ${partNumber} из ${partCount})</i>`,
};

const en: ReviewTexts = {
  newReview: "📝 <b>New review</b>",
  reviewPart: (partNumber, partCount) => `📝 <b>Review, part ${partNumber} of ${partCount}</b>`,
  guest: "Guest",
  phone: "Phone",
  noPhone: "not given",
  noRating: "no rating",
  replyFrom: (restaurant) => `💬 <b>Reply from ${restaurant}</b> to your review`,
  replyHint: "<i>To answer, reply to this message.</i>",
  guestAnswer: "↩️ <b>The guest answers</b>",
  answerPassedOn: "Thank you! We are passing your answer on to the restaurant.",
  continued: (partNumber, partCount) => `<i>(part ${partNumber} of ${partCount})</i>`,
};

const byLanguage: Record<Language, ReviewTexts> = { ru, en };

export function reviewTextsFor(languageCode: string | null | undefined): ReviewTexts {
  return byLanguage[pickLanguage(languageCode)];
}
