import type { ConsentState, Language, PointMovementKind } from "@guestcard/shared";
import { useTexts } from "../i18n";

/**
 * The texts of the guest records and phone conflicts screens, English and Russian; in the manager
 * chunk like manager-catalogue.ts, and apart from it so the two sets of screens grow independently.
 */
const en = {
  guests: "Guests",
  guestsHint: "Find a guest by phone or name",
  searchLabel: "Phone or name",
  searchPlaceholder: "8 (921) 555-01-02 or Ivanova",
  search: "Find",
  searchHint: "A phone in any spelling, its last digits, or the beginning of a name.",
  nothingFound: "Nobody found. Check the number or try part of the name.",
  registeredOn: (date: string) => `Since ${date}`,

  record: "Guest record",
  profile: "Guest",
  name: "Name",
  phone: "Phone",
  birthday: "Birthday",
  email: "E-mail",
  notGiven: "not given",
  registeredAt: "Registered",
  origin: "How they joined",
  originRegistration: "Registered in the app",
  originImport: "From the guest base import",
  source: "Source",
  noSource: "Unknown",
  telegram: "Telegram",
  telegramNone: "Has not opened the bot yet",
  consents: "Consents",
  personalData: "Personal data processing",
  marketing: "Offers and news",
  consentState: (consent: ConsentState, date: (iso: string) => string) =>
    consent.state === "never" || !consent.at
      ? "Not given"
      : consent.state === "given"
        ? `Given on ${date(consent.at)}`
        : `Withdrawn on ${date(consent.at)}`,
  activity: "Visits",
  cardsIssued: "Cards issued",
  lastVisit: "Last visit at a till",
  never: "Never",
  reviews: "Reviews",
  noReviews: "No reviews.",
  replyFromRestaurant: "Restaurant",
  replyFromGuest: "Guest",
  stars: (rating: number) => `${"★".repeat(rating)}${"☆".repeat(5 - rating)}`,
  openConflictsHere: (count: number) =>
    count === 1 ? "1 open phone conflict about this card" : `${count} open phone conflicts about this card`,

  conflicts: "Phone conflicts",
  conflictsHint: "A guest shared a number another Telegram account holds",
  noConflicts: "No open conflicts.",
  conflict: "Phone conflict",
  conflictIntro:
    "A guest shared a verified phone number whose card is held by another Telegram account. Ask the guest at the restaurant to show the phone with this number before you move the card.",
  holder: "Card held by",
  claimant: "Number shared by",
  holderGone: "Nobody now",
  sharedAt: "Shared",
  card: "Card",
  openRecord: "Open the guest record",
  reason: "Reason",
  reasonHint: "Required; kept in the audit log with your name. Guests don't see it.",
  resolve: "Move the card to the guest who shared the number",
  resolveConfirm:
    "The card, its points and history move to the guest who shared the number. The current holder is unlinked and must share a phone again. Both are told by the bot.",
  dismiss: "Leave the card where it is",
  dismissConfirm: "Nothing moves. The guest who shared the number is told by the bot.",
  confirm: "Confirm",
  cancel: "Cancel",
  statusResolved: (date: string) => `Resolved on ${date}: the card moved`,
  statusDismissed: (date: string) => `Dismissed on ${date}: the card stayed`,
  alreadyDecided: "This conflict was decided meanwhile, or the card changed hands: reload it.",
  conflictNotFound: "There is no such conflict any more: the card may have been deleted.",
  reasonRequired: "Write why: it goes to the audit log",

  points: "Points",
  balance: "Balance",
  tier: (name: string, percent: number) => `${name} · ${percent}% back`,
  tierLabel: "Tier",
  noMovements: "No points movements yet.",
  movementKinds: {
    earn: "Earned on a bill",
    redeem: "Paid a bill",
    refund: "Bill refunded",
    welcome: "Welcome points",
    birthday: "Birthday points",
    adjust: "Adjusted by a manager",
    expire: "Lapsed",
  } as Record<PointMovementKind, string>,
  adjust: "Adjust points",
  adjustPoints: "Points (+ to add, − to take)",
  adjustPointsHint: "A whole number, not 0. The reason is required and kept with your name.",
  adjustInvalid: "A whole number of points, not 0, and a reason",
  adjusted: (balance: number) => `Done: the balance is ${balance} now.`,
};

type GuestRecordTexts = typeof en;

const ru: GuestRecordTexts = {
  guests: "Гости",
  guestsHint: "Найти гостя по телефону или имени",
  searchLabel: "Телефон или имя",
  searchPlaceholder: "8 (921) 555-01-02 или Иванова",
  search: "Найти",
  searchHint: "Телефон в любом написании, его последние цифры или начало имени.",
  nothingFound: "Никого не нашли. Проверьте номер или введите часть имени.",
  registeredOn: (date: string) => `С ${date}`,

  record: "Карточка гостя",
  profile: "Гость",
  name: "Имя",
  phone: "Телефон",
  birthday: "Дата рождения",
  email: "Эл. почта",
  notGiven: "не указано",
  registeredAt: "Зарегистрирован",
  origin: "Откуда",
  originRegistration: "Зарегистрировался в приложении",
  originImport: "Из импорта базы гостей",
  source: "Источник",
  noSource: "Неизвестен",
  telegram: "Telegram",
  telegramNone: "Ещё не открывал бота",
  consents: "Согласия",
  personalData: "Обработка персональных данных",
  marketing: "Предложения и новости",
  consentState: (consent, date) =>
    consent.state === "never" || !consent.at
      ? "Не дано"
      : consent.state === "given"
        ? `Дано ${date(consent.at)}`
        : `Отозвано ${date(consent.at)}`,
  activity: "Визиты",
  cardsIssued: "Выдано карт",
  lastVisit: "Последний визит на кассе",
  never: "Не было",
  reviews: "Отзывы",
  noReviews: "Отзывов нет.",
  replyFromRestaurant: "Ресторан",
  replyFromGuest: "Гость",
  stars: (rating) => `${"★".repeat(rating)}${"☆".repeat(5 - rating)}`,
  openConflictsHere: (count) =>
    count === 1
      ? "1 открытый конфликт номера по этой карте"
      : `Открытых конфликтов номера по этой карте: ${count}`,

  conflicts: "Конфликты номеров",
  conflictsHint: "Гость поделился номером, который занят другим аккаунтом",
  noConflicts: "Открытых конфликтов нет.",
  conflict: "Конфликт номера",
  conflictIntro:
    "Гость поделился подтверждённым номером, карта с которым привязана к другому аккаунту Telegram. Прежде чем переносить карту, попросите гостя показать в ресторане телефон с этим номером.",
  holder: "Карта у",
  claimant: "Номером поделился",
  holderGone: "Сейчас ни у кого",
  sharedAt: "Когда",
  card: "Карта",
  openRecord: "Открыть карточку гостя",
  reason: "Причина",
  reasonHint: "Обязательно; сохраняется в журнале вместе с вашим именем. Гости её не видят.",
  resolve: "Перенести карту к гостю, поделившемуся номером",
  resolveConfirm:
    "Карта с баллами и историей перейдёт к гостю, который поделился номером. Нынешний владелец будет отвязан и должен будет снова поделиться телефоном. Бот сообщит обоим.",
  dismiss: "Оставить карту как есть",
  dismissConfirm: "Ничего не изменится. Бот сообщит гостю, который поделился номером.",
  confirm: "Подтвердить",
  cancel: "Отмена",
  statusResolved: (date) => `Решено ${date}: карта перенесена`,
  statusDismissed: (date) => `Отклонено ${date}: карта осталась`,
  alreadyDecided: "Этот конфликт уже решён или карта сменила владельца: откройте его заново.",
  conflictNotFound: "Такого конфликта больше нет: возможно, карту удалили.",
  reasonRequired: "Напишите причину: она сохраняется в журнале",

  points: "Баллы",
  balance: "Баланс",
  tier: (name, percent) => `${name} · ${percent}% баллами`,
  tierLabel: "Уровень",
  noMovements: "Движений баллов пока нет.",
  movementKinds: {
    earn: "Начислено за счёт",
    redeem: "Оплачено баллами",
    refund: "Возврат по счёту",
    welcome: "Приветственные баллы",
    birthday: "Баллы ко дню рождения",
    adjust: "Изменено управляющим",
    expire: "Сгорели",
  },
  adjust: "Изменить баллы",
  adjustPoints: "Баллы (+ начислить, − списать)",
  adjustPointsHint: "Целое число, не 0. Причина обязательна и сохраняется с вашим именем.",
  adjustInvalid: "Целое число баллов, не 0, и причина",
  adjusted: (balance) => `Готово: теперь на балансе ${balance}.`,
};

const catalogues: Record<Language, GuestRecordTexts> = { en, ru };

/** In the language the rest of the app speaks. */
export function useGuestRecordTexts(): GuestRecordTexts {
  return catalogues[useTexts().language];
}

export { catalogues as guestRecordCatalogues };
