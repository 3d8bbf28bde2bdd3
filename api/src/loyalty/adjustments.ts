import type { PointsAdjustmentRequest } from "@guestcard/shared";
import { sql } from "drizzle-orm";
import { type Database, selectRows } from "../db/client";
import { safeInteger } from "./safe-integer";
import { isUuid } from "./till-payments";

export type AdjustmentOutcome =
  | { outcome: "posted"; balance: number }
  /** The adjustment would take the balance below zero: only a refund may do that. */
  | { outcome: "insufficient_points"; balance: number }
  | { outcome: "no_account" };

/**
 * A manager's hand adjustment: an `adjust` movement naming the manager and the reason, under the
 * guest's balance lock like any bill (`guestcard_loyalty_post`, migration 0006).
 */
export async function adjustPoints(
  db: Database,
  adjustment: PointsAdjustmentRequest & { accountId: string; managerTelegramId: number },
): Promise<AdjustmentOutcome> {
  if (!Number.isSafeInteger(adjustment.points) || adjustment.points === 0) {
    throw new RangeError(`not a whole, non-zero number of points: ${adjustment.points}`);
  }
  if (!isUuid(adjustment.accountId)) return { outcome: "no_account" };
  const [row] = await selectRows<{ outcome: string; balance: number | string | null }>(
    db,
    sql`select * from guestcard_loyalty_post(${adjustment.accountId}::uuid, 'adjust', ${adjustment.points}::bigint,
      null, ${adjustment.managerTelegramId}::bigint, ${adjustment.reason})`,
  );
  if (row?.outcome === "posted" || row?.outcome === "insufficient_points") {
    return { outcome: row.outcome, balance: safeInteger(row.balance ?? 0) };
  }
  return { outcome: "no_account" };
}
