import { purchaseTotalMax } from "@guestcard/shared";

/**
 * What the cashier types, read exactly: money as an integer of minor units (kopecks, cents) and
 * points as a whole number — by string steps, never through a float (docs/api.md, "Points: money and
 * rounding"), so "1250,50" is 125050 and never 125049.99999.
 */

export type MoneyInputProblem =
  | "empty"
  | "not_a_number"
  | "negative"
  /** "1,234" or "1.234": a thousands separator or a decimal one? Not guessed. */
  | "ambiguous"
  | "too_many_decimals"
  | "too_large";

export type MoneyReading = { ok: true; minor: number } | { ok: false; problem: MoneyInputProblem };

/** Spaces a typed or pasted amount may group its thousands with (ordinary, no-break, thin). */
const groupSpaces = /[\s\u00a0\u2009\u202f]/g;
/** A currency sign or word typed or pasted with the amount: ignored. */
const currencyMarks = /^(₽|руб\.?|р\.|rub)|(₽|руб\.?|р\.|rub)$/i;

/**
 * The bill total as typed ("1250,50", "1 250,50", "12.5", "0,01", "1,234.50") → minor units.
 *
 * - a comma or a dot with at most two digits after it is the decimal separator;
 * - spaces anywhere between digits group thousands;
 * - with both a comma and a dot, the last one is decimal and the other groups thousands (in threes);
 * - a single comma or dot followed by exactly three digits ("1,234") is refused as ambiguous: an
 *   English till means 1234, a Russian one 1.234, and a bill off by a factor of 1000 is worse than
 *   asking the cashier to retype it.
 */
export function parseMoneyInput(typed: string): MoneyReading {
  let text = typed.trim().replace(currencyMarks, "").trim();
  if (text === "") return { ok: false, problem: "empty" };
  if (/^[-−–]/.test(text)) return { ok: false, problem: "negative" };
  if (text.startsWith("+")) text = text.slice(1);
  text = text.replace(groupSpaces, "");
  if (!/^[\d.,]+$/.test(text) || !/\d/.test(text)) return { ok: false, problem: "not_a_number" };

  const separators = [...text.matchAll(/[.,]/g)].map((match) => ({ mark: match[0], at: match.index }));
  let whole: string;
  let fraction = "";
  const last = separators[separators.length - 1];
  if (!last) {
    whole = text;
  } else if (new Set(separators.map((separator) => separator.mark)).size === 2) {
    // Both kinds: the last is decimal, the others group thousands, and every group has three digits.
    const grouping = separators.slice(0, -1);
    if (grouping.some((separator) => separator.mark === last.mark))
      return { ok: false, problem: "not_a_number" };
    const groups = text.slice(0, last.at).split(grouping[0]?.mark ?? "");
    if (groups[0] === "" || groups.slice(1).some((group) => group.length !== 3))
      return { ok: false, problem: "not_a_number" };
    whole = groups.join("");
    fraction = text.slice(last.at + 1);
  } else if (separators.length > 1) {
    // One kind, several times: "1.234.567" or "1,234,567" — grouping only, but which one? Refused
    // like "1,234"; "1 234 567" (spaces) is the unambiguous way.
    return { ok: false, problem: "ambiguous" };
  } else {
    whole = text.slice(0, last.at);
    fraction = text.slice(last.at + 1);
    // "1,234" could group thousands; "1234,567" or "0,123" could not.
    if (fraction.length === 3 && /^[1-9]\d{0,2}$/.test(whole)) return { ok: false, problem: "ambiguous" };
  }
  if (!/^\d*$/.test(fraction)) return { ok: false, problem: "not_a_number" };
  if (fraction.length > 2) return { ok: false, problem: "too_many_decimals" };
  whole = whole.replace(/^0+(?=\d)/, "");
  if (whole === "" && fraction === "") return { ok: false, problem: "not_a_number" };
  // 13 digits of major units already exceed the largest bill; checked before any arithmetic, so
  // every number built below is an exact integer.
  if (whole.length > 13) return { ok: false, problem: "too_large" };
  const minor = Number(whole || "0") * 100 + Number(fraction.padEnd(2, "0"));
  if (minor > purchaseTotalMax) return { ok: false, problem: "too_large" };
  return { ok: true, minor };
}

export type PointsReading = { ok: true; points: number } | { ok: false; problem: MoneyInputProblem };

/** Points to spend, as typed: a whole number, spaces allowed between digits ("1 500"). Empty is 0. */
export function parsePointsInput(typed: string): PointsReading {
  const text = typed.replace(groupSpaces, "");
  if (text === "") return { ok: true, points: 0 };
  if (/^[-−–]/.test(text)) return { ok: false, problem: "negative" };
  if (!/^\d+$/.test(text)) return { ok: false, problem: "not_a_number" };
  const digits = text.replace(/^0+(?=\d)/, "");
  if (digits.length > 13) return { ok: false, problem: "too_large" };
  return { ok: true, points: Number(digits) };
}
