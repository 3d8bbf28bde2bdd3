import { type CardCodeReading, type PosIdentifyResponse, posMissLimit } from "@guestcard/shared";
import { sql } from "drizzle-orm";
import { type Database, selectRows } from "../db/client";
import { maskPhone } from "../guests/phone";
import { safeInteger } from "../loyalty/safe-integer";

/** What the till sent, once read: a PIN or code to look up, a bad code, or a body we could not read. */
export type TillInput = CardCodeReading | { kind: "unreadable" };

export type IdentifyOutcome =
  | {
      outcome: "identified";
      response: PosIdentifyResponse;
      telegramUserId: number | null;
      firstVisit: boolean;
    }
  | { outcome: "not_found" | "invalid_code" | "allowed" }
  | { outcome: "rate_limited"; retryAfterSeconds: number };

/** IDENTIFICATION_TTL_SECONDS's default (docs/api.md): a meal outlasts the card. */
export const defaultIdentificationTtlSeconds = 43_200;

interface IdentifyRow {
  outcome: "identified" | "not_found" | "invalid_code" | "allowed" | "rate_limited";
  retry_after_seconds: number | null;
  account_id: string | null;
  first_name: string | null;
  last_name: string | null;
  phone: string | null;
  expires_at_ms: number | null;
  telegram_user_id: number | string | null;
  first_visit: boolean | null;
  identification_id: string | null;
  valid_until_ms: number | null;
  /** bigint: a string from postgres.js, a number or bigint from PGlite. */
  balance: number | string | bigint | null;
  tier_name: string | null;
  earn_percent: number | null;
  max_redeem_percent: number | null;
}

/**
 * One identification attempt at a till: the terminal's miss limit, the card lookup, the audit row —
 * which, for a success, is the identification the till closes bills against — and the guest's
 * points, in one database round trip (the `guestcard_pos_identify` function, migration 0006).
 * A bad code is never looked up; it is recorded as a miss, because the miss limit counts 422s too (docs/api.md).
 */
export async function identifyAtTill(
  db: Database,
  terminal: string,
  input: TillInput,
  limit: { maxMisses: number; windowSeconds: number } = posMissLimit,
  identificationTtlSeconds: number = defaultIdentificationTtlSeconds,
): Promise<IdentifyOutcome> {
  const digits = input.kind === "pin" || input.kind === "code" ? input.digits : null;
  const [row] = await selectRows<IdentifyRow>(
    db,
    sql`select * from guestcard_pos_identify(${terminal}, ${input.kind}, ${digits}, ${limit.maxMisses}::integer, ${limit.windowSeconds}::integer, ${identificationTtlSeconds}::integer)`,
  );
  if (!row) throw new Error("guestcard_pos_identify returned no row");
  switch (row.outcome) {
    case "rate_limited":
      return { outcome: "rate_limited", retryAfterSeconds: row.retry_after_seconds ?? limit.windowSeconds };
    case "identified":
      return {
        outcome: "identified",
        response: {
          account: {
            id: row.account_id ?? "",
            displayName: displayName(row.first_name ?? "", row.last_name ?? ""),
            phoneMasked: maskPhone(row.phone ?? ""),
          },
          card: { expiresAt: new Date(Math.round(Number(row.expires_at_ms))).toISOString() },
          identification: {
            id: row.identification_id ?? "",
            validUntil: new Date(Math.round(Number(row.valid_until_ms))).toISOString(),
          },
          loyalty: {
            balance: safeInteger(row.balance ?? 0),
            tier: row.tier_name ?? "",
            earnPercent: row.earn_percent ?? 0,
            maxRedeemPercent: row.max_redeem_percent ?? 0,
          },
        },
        telegramUserId: row.telegram_user_id === null ? null : Number(row.telegram_user_id),
        firstVisit: row.first_visit === true,
      };
    default:
      return { outcome: row.outcome };
  }
}

/** How the till greets a guest: the first name and the surname's initial ("Александр И."). */
export function displayName(firstName: string, lastName: string): string {
  const initial = Array.from(lastName.trim())[0];
  return initial ? `${firstName.trim()} ${initial.toUpperCase()}.` : firstName.trim();
}
