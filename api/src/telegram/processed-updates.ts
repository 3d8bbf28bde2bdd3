import { lt, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { processedUpdates } from "../db/schema";

/**
 * Claims an update for processing: true the first time an `update_id` is seen, false on every
 * re-delivery. Telegram re-sends a webhook update it got no 2xx for (and getUpdates re-sends an
 * unconfirmed one) for a while and across our restarts, so the claim lives in the database,
 * not in memory. Claiming before the work makes the guarantee "at most once": an update whose
 * handling failed half-way is not retried — the guest simply sends it again.
 */
export async function claimUpdate(db: Database, updateId: number): Promise<boolean> {
  const inserted = await db
    .insert(processedUpdates)
    .values({ updateId })
    .onConflictDoNothing()
    .returning({ updateId: processedUpdates.updateId });
  return inserted.length === 1;
}

/**
 * Forgets claims older than `hours`. Telegram keeps an undelivered update for 24 hours at most, so
 * two days is ample; and after a week without updates it may restart numbering at random, when an
 * old claim could swallow a new update that happens to get the same id.
 */
export async function pruneProcessedUpdates(db: Database, hours = 48): Promise<void> {
  await db
    .delete(processedUpdates)
    .where(lt(processedUpdates.processedAt, sql`now() - make_interval(hours => ${hours})`));
}
