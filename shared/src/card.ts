import * as z from "zod/mini";
import { fieldRule } from "./field-errors";
import { identificationSchema, tillLoyaltySchema } from "./loyalty";

/**
 * The virtual card's two identifiers, both digits only (till card fields often accept nothing else):
 * the PIN the guest dictates and the code the QR encodes. Each ends in a Damm check digit, which
 * catches every single mistyped digit and every swap of two neighbouring digits — the two mistakes
 * people make when they hear or type a number — so the till rejects a misheard PIN at once.
 * Why Damm and not Luhn: docs/decisions/004-virtual-card-identifiers.md.
 */
export const cardPinLength = 6;
export const cardCodeLength = 18;

// Damm's totally anti-symmetric quasigroup of order 10 (H. M. Damm, 2004).
const dammTable = [
  [0, 3, 1, 7, 5, 9, 8, 6, 4, 2],
  [7, 0, 9, 2, 1, 5, 4, 8, 6, 3],
  [4, 2, 0, 6, 8, 7, 1, 3, 5, 9],
  [1, 7, 5, 0, 9, 8, 3, 4, 2, 6],
  [6, 1, 2, 3, 0, 4, 5, 9, 7, 8],
  [3, 6, 7, 4, 2, 0, 9, 5, 8, 1],
  [5, 8, 6, 9, 7, 2, 0, 1, 3, 4],
  [8, 9, 4, 5, 3, 6, 2, 0, 1, 7],
  [9, 4, 3, 8, 6, 1, 7, 2, 0, 5],
  [2, 5, 8, 1, 4, 3, 6, 7, 9, 0],
] as const;

function dammInterim(digits: string): number {
  let interim = 0;
  for (const character of digits) {
    const row = dammTable[interim];
    const next = row?.[character.charCodeAt(0) - 48];
    if (next === undefined) throw new RangeError("Damm check digits are defined for decimal digits only.");
    interim = next;
  }
  return interim;
}

/** The Damm check digit of a string of decimal digits. */
export function dammCheckDigit(digits: string): string {
  return String(dammInterim(digits));
}

/** Appends the Damm check digit. */
export function withDammCheckDigit(digits: string): string {
  return digits + dammCheckDigit(digits);
}

/** True when the last digit is the Damm check digit of the ones before it. */
export function hasValidDammCheckDigit(digits: string): boolean {
  return /^\d{2,}$/.test(digits) && dammInterim(digits) === 0;
}

/** Why a till's code cannot be a card: `error.params.reason` of a `422 invalid_code`. */
export const invalidCodeReasons = ["not_digits", "wrong_length", "check_digit"] as const;
export type InvalidCodeReason = (typeof invalidCodeReasons)[number];

export type CardCodeReading =
  | { kind: "pin" | "code"; digits: string }
  | { kind: "invalid"; reason: InvalidCodeReason };

/**
 * What a till sent: a PIN or a QR code, or why it cannot be one. Spaces are ignored because the
 * card shows the PIN grouped ("482 913") and a scanner may end its line with whitespace.
 * The cashier page calls this too, so a mistyped PIN is flagged before it leaves the till.
 */
export function readCardCode(input: string): CardCodeReading {
  const digits = input.replace(/\s+/g, "");
  if (!/^\d+$/.test(digits)) return { kind: "invalid", reason: "not_digits" };
  const kind =
    digits.length === cardPinLength ? "pin" : digits.length === cardCodeLength ? "code" : undefined;
  if (!kind) return { kind: "invalid", reason: "wrong_length" };
  if (!hasValidDammCheckDigit(digits)) return { kind: "invalid", reason: "check_digit" };
  return { kind, digits };
}

/** `POST /api/card` (201) and `GET /api/card` (200): the guest's live card. */
export const cardResponseSchema = z.object({
  pin: z.string(),
  code: z.string(),
  issuedAt: z.string(),
  expiresAt: z.string(),
  /** The server's clock when it answered: the countdown runs on it, not on the phone's clock. */
  serverTime: z.string(),
  ttlSeconds: z.number(),
});
export type CardResponse = z.infer<typeof cardResponseSchema>;

/** Long enough for any code plus the spaces a person might type; anything longer is not a card. */
export const posCodeMaxLength = 64;

/** `POST /api/pos/identify` body: the PIN or the QR's content, as typed or scanned. */
export const posIdentifyRequestSchema = z.object({
  code: z.string(fieldRule("required")).check(z.maxLength(posCodeMaxLength, fieldRule("too_long"))),
});
export type PosIdentifyRequest = z.infer<typeof posIdentifyRequestSchema>;

/**
 * What a till learns about a guest: enough to greet them and check the card, never the full phone;
 * the identification it closes the bill with, and the guest's points.
 */
export const posIdentifyResponseSchema = z.object({
  account: z.object({ id: z.string(), displayName: z.string(), phoneMasked: z.string() }),
  card: z.object({ expiresAt: z.string() }),
  identification: identificationSchema,
  loyalty: tillLoyaltySchema,
});
export type PosIdentifyResponse = z.infer<typeof posIdentifyResponseSchema>;

/** `GET /api/pos/terminal`: the name of the terminal whose key was sent (the cashier page checks a key with it). */
export const posTerminalResponseSchema = z.object({ terminal: z.string() });
export type PosTerminalResponse = z.infer<typeof posTerminalResponseSchema>;

/** Misses (404 and 422 answers) one terminal may make within the rolling window before it gets 429. */
export const posMissLimit = { maxMisses: 10, windowSeconds: 60 } as const;
