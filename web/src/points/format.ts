import { defaultTierName } from "@guestcard/shared";

/**
 * Money and points for people to read. Amounts travel as integers (minor units, whole points:
 * docs/api.md, "Points: money and rounding"); this is the only place they become text, and it never
 * divides: the minor units are written out as a decimal string ("1250.50") and Intl formats that
 * string exactly (Intl.NumberFormat v3; an older engine reads it as a number, which still shows the
 * same two decimals).
 */

const moneyFormats = new Map<string, Intl.NumberFormat>();
const pointFormats = new Map<string, Intl.NumberFormat>();

function cached(formats: Map<string, Intl.NumberFormat>, locale: string, options: Intl.NumberFormatOptions) {
  let format = formats.get(locale);
  if (!format) {
    format = new Intl.NumberFormat(locale, options);
    formats.set(locale, format);
  }
  return format;
}

/** Minor units as an exact decimal string: 125050 → "1250.50", -5 → "-0.05". */
export function minorToDecimal(minor: number): string {
  const sign = minor < 0 ? "-" : "";
  const absolute = Math.abs(minor);
  return `${sign}${(absolute - (absolute % 100)) / 100}.${String(absolute % 100).padStart(2, "0")}`;
}

/** 125050 → "1 250,50 ₽" (ru-RU), "₽1,250.50" (en-GB). */
export function formatMoney(minor: number, locale: string): string {
  const format = cached(moneyFormats, locale, {
    style: "currency",
    currency: "RUB",
    currencyDisplay: "narrowSymbol",
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  });
  // The string overload (exact decimal) is not in the ES2022 typings this project compiles against.
  return format.format(minorToDecimal(minor) as unknown as number);
}

/** Whole points with the locale's grouping: 12500 → "12 500". */
export function formatPoints(points: number, locale: string, signed = false): string {
  const text = cached(pointFormats, locale, { maximumFractionDigits: 0 }).format(Math.abs(points));
  if (points < 0) return `−${text}`;
  return signed && points > 0 ? `+${text}` : text;
}

/**
 * A tier's name for people: the one tier every programme starts with is named in the reader's
 * language until a manager renames it (its stored name is shared/src/loyalty.ts's `defaultTierName`).
 */
export function tierDisplayName(name: string, defaultTierText: string): string {
  return name === defaultTierName ? defaultTierText : name;
}

/** The word for points after a number, by the language's plural rules ("1 балл", "3 балла", "5 баллов"). */
export type PointsWords = Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };

export function pointsWord(points: number, locale: string, words: PointsWords): string {
  return words[new Intl.PluralRules(locale).select(Math.abs(points))] ?? words.other;
}
