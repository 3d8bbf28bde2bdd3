import { sql } from "drizzle-orm";
import { type Database, selectRows } from "../db/client";
import type { DatabaseOrTransaction } from "../outbox/outbox";
import { safeInteger } from "./safe-integer";

/**
 * Points the programme gives or takes by itself: welcome, birthday, lapse. Each is a database
 * function (migration 0006) that takes the guest's balance lock like a bill does, and each is safe to
 * run twice, or in two processes at once: a unique index (welcome, birthday) or a re-check under the
 * lock (lapse) makes the second run change nothing.
 */

export type CreditOutcome =
  | { outcome: "posted"; balance: number }
  | { outcome: "duplicate"; balance: number }
  | { outcome: "off" | "no_account" };

/**
 * Welcome points (LOYALTY_WELCOME_POINTS, or the manager's setting), once per account, when it joins
 * the programme: at registration, or when an imported guest is linked to their Telegram user. Call it
 * inside the transaction that creates or links the account, so both commit or neither.
 */
export async function creditWelcomePoints(
  db: DatabaseOrTransaction,
  accountId: string,
): Promise<CreditOutcome> {
  const [row] = await selectRows<{ outcome: string; balance: number | string | null }>(
    db as Database,
    sql`select * from guestcard_loyalty_welcome(${accountId}::uuid)`,
  );
  if (row?.outcome === "posted" || row?.outcome === "duplicate") {
    return { outcome: row.outcome, balance: safeInteger(row.balance ?? 0) };
  }
  return { outcome: row?.outcome === "no_account" ? "no_account" : "off" };
}

/**
 * Birthday points for the guests whose birthday is `on` (YYYY-MM-DD, the restaurant's date; 29 February
 * counts on the 28th in other years), once per guest and year. Returns how many were credited by
 * this call. Off while the programme's birthday points are 0.
 */
export async function creditBirthdayPoints(db: Database, on: string): Promise<number> {
  const [row] = await selectRows<{ credited: number }>(
    db,
    sql`select guestcard_loyalty_birthdays(${on}::date) as credited`,
  );
  return Number(row?.credited ?? 0);
}

/** Guests looked at per call: one call's row locks stay short, so a bill never waits long behind it. */
const lapseBatchSize = 500;

/**
 * Points lapse after the programme's `lapseAfterDays` without a bill (off while it is null): each
 * guest's whole positive balance goes in an `expire` movement, nothing is deleted. Walks every
 * balance once, in batches. Returns how many guests' points lapsed.
 */
export async function lapseIdlePoints(db: Database, options: { batchSize?: number } = {}): Promise<number> {
  const batchSize = options.batchSize ?? lapseBatchSize;
  let lapsed = 0;
  let after: string | null = null;
  for (;;) {
    const [row]: Array<{ lapsed: number; last_account: string | null }> = await selectRows(
      db,
      sql`select * from guestcard_loyalty_lapse(${after}::uuid, ${batchSize}::integer)`,
    );
    lapsed += Number(row?.lapsed ?? 0);
    after = row?.last_account ?? null;
    if (after === null) return lapsed;
  }
}

/**
 * The programme's daily step: birthdays of `on`, then lapses. Idempotent: a restart, a second run the
 * same day, or two processes running it at once credit and lapse nothing twice.
 */
export async function runDailyLoyaltyStep(
  db: Database,
  on: string,
): Promise<{ birthdays: number; lapsed: number }> {
  const birthdays = await creditBirthdayPoints(db, on);
  const lapsed = await lapseIdlePoints(db);
  return { birthdays, lapsed };
}
