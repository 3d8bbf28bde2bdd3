import type { Language } from "@guestcard/shared";

/*
 * The texts of "My data" and of the consent asked of an imported guest: only those screens use them,
 * so they travel in those screens' chunk, not in the catalogue every guest loads before home
 * (web/size-budget.test.ts).
 */

const en = {
  username: "Username",
  telegramId: "Telegram ID",
  memberSince: "Card since",
  consentPersonalDataShort: "Personal data processing",
  consentMarketingShort: "Offers and news",
  consentGiven: (date: string) => `Given on ${date}`,
  consentWithdrawn: (date: string) => `Withdrawn on ${date}`,
  consentNever: "Not given",
  withdrawMarketing: "Stop offers and news",
  marketingWithdrawn: "You won't receive offers and news any more.",
  reviewsSent: "Reviews sent",
  deleteAccount: "Delete my account",
  deleteTitle: "Delete your account?",
  deleteText:
    "Your name, birthday, e-mail, phone, consents and reviews will be erased and this Telegram account unlinked. Your card stops working at once. This can't be undone.",
  deleteConfirm: "Delete for good",
  optInMarketing: "Receive offers and news",
  marketingGiven: "Done: you'll receive offers and news. You can stop them here at any time.",
  exportData: "Download my data",
  exportHint: "Everything above, as a JSON file.",
  exportStarted: "Your file is on its way.",
  deletedTitle: "Your data is deleted",
  deletedText: (reviews: number) =>
    reviews === 0
      ? "Your account, card, phone and consents are erased, and this Telegram account is unlinked."
      : `Your account, card, phone, consents and ${reviews === 1 ? "your review" : `your ${reviews} reviews`} are erased, and this Telegram account is unlinked.`,
  deletedKept:
    "What stays: the restaurant's records of bills and points, with no name or phone attached, and your Telegram name, which Telegram sends whenever you open the app. To get a card again, share your phone once more.",
  deletedContinue: "OK",
  consentNeededTitle: "One step before your card",
  consentNeededText:
    "The restaurant already knows you as a guest, and your card is ready. To keep it here, we need your consent to process your personal data.",
  consentNeededAgree: "I agree",
};

const ru: typeof en = {
  username: "Имя пользователя",
  telegramId: "Telegram ID",
  memberSince: "Карта с",
  consentPersonalDataShort: "Обработка персональных данных",
  consentMarketingShort: "Предложения и новости",
  consentGiven: (date: string) => `Дано ${date}`,
  consentWithdrawn: (date: string) => `Отозвано ${date}`,
  consentNever: "Не дано",
  withdrawMarketing: "Отказаться от предложений и новостей",
  marketingWithdrawn: "Больше не будем присылать предложения и новости.",
  reviewsSent: "Отправлено отзывов",
  deleteAccount: "Удалить мой аккаунт",
  deleteTitle: "Удалить аккаунт?",
  deleteText:
    "Ваши ФИО, дата рождения, эл. почта, телефон, согласия и отзывы будут стёрты, а этот аккаунт Telegram отвязан. Карта сразу перестанет работать. Отменить это нельзя.",
  deleteConfirm: "Удалить навсегда",
  optInMarketing: "Получать предложения и новости",
  marketingGiven: "Готово: будем присылать предложения и новости. Отказаться можно здесь в любой момент.",
  exportData: "Скачать мои данные",
  exportHint: "Всё, что выше, в файле JSON.",
  exportStarted: "Файл скачивается.",
  deletedTitle: "Ваши данные удалены",
  deletedText: (reviews: number) =>
    reviews === 0
      ? "Ваш аккаунт, карта, телефон и согласия стёрты, а этот аккаунт Telegram отвязан."
      : `Ваш аккаунт, карта, телефон, согласия и отзывы (${reviews}) стёрты, а этот аккаунт Telegram отвязан.`,
  deletedKept:
    "Что остаётся: записи ресторана о счетах и баллах — без имени и телефона — и ваше имя в Telegram, которое Telegram передаёт при каждом открытии приложения. Чтобы снова получить карту, поделитесь телефоном ещё раз.",
  deletedContinue: "Понятно",
  consentNeededTitle: "Ещё один шаг до карты",
  consentNeededText:
    "Ресторан уже знает вас как гостя, и ваша карта готова. Чтобы пользоваться ею здесь, нужно ваше согласие на обработку персональных данных.",
  consentNeededAgree: "Согласен(на)",
};

export const myDataCatalogues: Record<Language, typeof en> = { en, ru };
