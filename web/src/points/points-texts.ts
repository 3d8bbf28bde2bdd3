import type { Language, PointMovementKind } from "@guestcard/shared";
import type { PointsWords } from "./format";

/**
 * The guest's points texts: the home line and the Points screen. They live in the points chunks,
 * loaded after home, so they add nothing to what a guest downloads to reach it (decision 006).
 */
const en = {
  pointsWords: { one: "point", other: "points" } as PointsWords,
  homeHint: "Balance, tier and history",
  defaultTier: "Standard",
  title: "Points",
  balance: "Your balance",
  tier: (name: string, percent: number) => `${name} · ${percent}% of every bill back in points`,
  nextTier: (remaining: string, name: string) => `${remaining} more spent and you reach ${name}`,
  spent: (amount: string) => `Spent in the last 12 months: ${amount}`,
  howToSpend: (percent: number) =>
    `At the till, points pay up to ${percent}% of a bill; one point pays one rouble.`,
  history: "History",
  empty: "No points yet. Show your card at the till: every bill brings points.",
  kinds: {
    earn: "Earned on a bill",
    redeem: "Paid with points",
    refund: "Bill refunded",
    welcome: "Welcome points",
    birthday: "Birthday points",
    adjust: "Adjusted by the restaurant",
    expire: "Lapsed",
  } satisfies Record<PointMovementKind, string>,
  bill: (check: string, total: string) => `Bill № ${check} · ${total}`,
  till: (terminal: string) => `till ${terminal}`,
  balanceAfter: (points: string) => `balance ${points}`,
  more: "Show older",
  failed: "Your points could not be loaded.",
  retry: "Try again",
};

export type PointsTexts = typeof en;

const ru: PointsTexts = {
  pointsWords: { one: "балл", few: "балла", many: "баллов", other: "балла" },
  homeHint: "Баланс, уровень и история",
  defaultTier: "Стандарт",
  title: "Баллы",
  balance: "Ваш баланс",
  tier: (name, percent) => `${name} · ${percent}% от каждого чека баллами`,
  nextTier: (remaining, name) => `Ещё ${remaining} покупок — и уровень ${name}`,
  spent: (amount) => `Покупки за последние 12 месяцев: ${amount}`,
  howToSpend: (percent) => `На кассе баллами можно оплатить до ${percent}% чека; один балл — один рубль.`,
  history: "История",
  empty: "Баллов пока нет. Покажите карту на кассе — баллы начисляются с каждого чека.",
  kinds: {
    earn: "Начислено за чек",
    redeem: "Оплачено баллами",
    refund: "Возврат чека",
    welcome: "Приветственные баллы",
    birthday: "Баллы ко дню рождения",
    adjust: "Изменено рестораном",
    expire: "Сгорели",
  },
  bill: (check, total) => `Чек № ${check} · ${total}`,
  till: (terminal) => `касса ${terminal}`,
  balanceAfter: (points) => `баланс ${points}`,
  more: "Показать старше",
  failed: "Не удалось загрузить баллы.",
  retry: "Повторить",
};

export const pointsCatalogues: Record<Language, PointsTexts> = { en, ru };
