// The "min" metadata checks a number's shape per country, not whether its range is allocated today:
// a guest with a freshly issued number must never be told it is not a phone.
import { parsePhoneNumberFromString } from "libphonenumber-js";

/**
 * The restaurant's country, used for numbers typed without one ("8 921 …", "921 …").
 * Telegram's contacts usually arrive as bare international digits ("79211234567"), which also need it.
 */
const defaultRegion = "RU";

/** E.164 (`+79211234567`) for anything a person or Telegram might write, or null if it is not a phone number. */
export function normalizePhone(input: string): string | null {
  const trimmed = input.trim();
  if (trimmed === "" || trimmed.length > 40) return null;
  const candidates = trimmed.startsWith("+") ? [trimmed] : [trimmed, `+${trimmed.replace(/^\D+/, "")}`];
  for (const candidate of candidates) {
    const parsed = parsePhoneNumberFromString(candidate, defaultRegion);
    if (parsed?.isValid()) return parsed.number;
  }
  return null;
}

/**
 * A phone as people read it, still dialable: `+7 921 555-01-02` (the Russian convention, groups
 * joined by hyphens at the end), other countries as libphonenumber-js writes them internationally.
 */
export function readablePhone(e164: string): string {
  const parsed = parsePhoneNumberFromString(e164);
  if (!parsed) return e164;
  const international = parsed.formatInternational();
  return parsed.countryCallingCode === "7"
    ? international.replace(/ (\d{3})[ -](\d{2})[ -](\d{2})$/, " $1-$2-$3")
    : international;
}

/** What a till may see of a phone: the country code and the last four digits (`+7 *** ***-93-92`). */
export function maskPhone(e164: string): string {
  const parsed = parsePhoneNumberFromString(e164);
  const country = parsed ? `+${parsed.countryCallingCode}` : e164.slice(0, 2);
  const lastFour = e164.slice(-4);
  return `${country} *** ***-${lastFour.slice(0, 2)}-${lastFour.slice(2)}`;
}
