import { type Language, pickLanguage } from "@guestcard/shared";
import { escapeHtml } from "../telegram/html";

/** What the guest's message about a bill or a refund says: the figures as the database decided them. */
export type PointsEvent =
  | { event: "purchase"; checkId: string; total: number; redeemed: number; earned: number; balance: number }
  | { event: "refund"; checkId: string; total: number; points: number; balance: number };

interface PointsTexts {
  locale: string;
  /** The word for `count` points, in the right plural form. */
  points(count: number): string;
  bill(checkId: string, total: string): string;
  redeemed(points: string): string;
  earned(points: string): string;
  nothingEarned: string;
  refund(checkId: string, total: string): string;
  refundChange(signedPoints: string): string;
  balance(points: string): string;
}

const ruPlural = new Intl.PluralRules("ru");
const ruPoints = { one: "балл", few: "балла", many: "баллов", other: "балла" } as const;

const ru: PointsTexts = {
  locale: "ru-RU",
  points: (count) => ruPoints[ruPlural.select(count) as keyof typeof ruPoints] ?? "баллов",
  bill: (checkId, total) => `🧾 Чек ${checkId} на ${total}`,
  redeemed: (points) => `Оплачено баллами: −${points}`,
  earned: (points) => `Начислено: +${points}`,
  nothingEarned: "Баллы за этот чек не начислены.",
  refund: (checkId, total) => `↩️ Возврат по чеку ${checkId} на ${total}`,
  refundChange: (signedPoints) => `Баллы: ${signedPoints}`,
  balance: (points) => `Баланс: <b>${points}</b>`,
};

const en: PointsTexts = {
  locale: "en-GB",
  points: (count) => (count === 1 || count === -1 ? "point" : "points"),
  bill: (checkId, total) => `🧾 Bill ${checkId}, ${total}`,
  redeemed: (points) => `Paid with points: −${points}`,
  earned: (points) => `Earned: +${points}`,
  nothingEarned: "No points were earned on this bill.",
  refund: (checkId, total) => `↩️ Refund of bill ${checkId}, ${total}`,
  refundChange: (signedPoints) => `Points: ${signedPoints}`,
  balance: (points) => `Balance: <b>${points}</b>`,
};

const byLanguage: Record<Language, PointsTexts> = { ru, en };

/**
 * An amount of minor units for display, exact: Intl formats the decimal string itself ("1250.50"),
 * so no fraction is ever computed.
 */
function formatMoney(minorUnits: number, locale: string): string {
  const sign = minorUnits < 0 ? "-" : "";
  const digits = String(Math.abs(minorUnits)).padStart(3, "0");
  const decimal = `${sign}${digits.slice(0, -2)}.${digits.slice(-2)}`;
  const format = new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return format.format(decimal as unknown as number);
}

function formatPoints(count: number, texts: PointsTexts): string {
  return `${new Intl.NumberFormat(texts.locale).format(Math.abs(count))} ${texts.points(Math.abs(count))}`;
}

/** The guest's private message (HTML) about a bill or a refund, in their language. */
export function pointsMessage(event: PointsEvent, languageCode: string | null | undefined): string {
  const texts = byLanguage[pickLanguage(languageCode)];
  const checkId = escapeHtml(event.checkId);
  const total = formatMoney(event.total, texts.locale);
  const lines: string[] = [];
  if (event.event === "purchase") {
    lines.push(texts.bill(checkId, total));
    if (event.redeemed > 0) lines.push(texts.redeemed(formatPoints(event.redeemed, texts)));
    lines.push(event.earned > 0 ? texts.earned(formatPoints(event.earned, texts)) : texts.nothingEarned);
  } else {
    lines.push(texts.refund(checkId, total));
    const sign = event.points > 0 ? "+" : event.points < 0 ? "−" : "";
    lines.push(texts.refundChange(`${sign}${formatPoints(event.points, texts)}`));
  }
  const balanceSign = event.balance < 0 ? "−" : "";
  lines.push(texts.balance(`${balanceSign}${formatPoints(event.balance, texts)}`));
  return lines.join("\n");
}
