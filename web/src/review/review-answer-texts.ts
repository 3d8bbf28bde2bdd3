import type { Language } from "@guestcard/shared";

/**
 * The texts of the restaurant's answer on home. They live in the answer's own chunk, loaded only
 * when `/api/me` says there is an answer, so they add nothing to what a guest downloads to reach
 * home (decision 006).
 */
const en = {
  title: "The restaurant answered your review",
  yourReview: (date: string) => `Your review of ${date}`,
  readInFull: "Read in full",
  readLess: "Show less",
  markRead: "Mark as read",
  markReadFailed: "Could not save that. Please try again.",
};

export type ReviewAnswerTexts = typeof en;

const ru: ReviewAnswerTexts = {
  title: "Ресторан ответил на ваш отзыв",
  yourReview: (date) => `Ваш отзыв от ${date}`,
  readInFull: "Читать целиком",
  readLess: "Свернуть",
  markRead: "Прочитано",
  markReadFailed: "Не получилось сохранить. Попробуйте ещё раз.",
};

export const reviewAnswerCatalogues: Record<Language, ReviewAnswerTexts> = { en, ru };
