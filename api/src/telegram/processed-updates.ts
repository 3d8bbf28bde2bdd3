import { lt, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { processedUpdates } from "../db/schema";
import type { DatabaseOrTransaction } from "../outbox/outbox";

/**
 * Records an update as processed: true the first time an `update_id` is seen, false on every
 * re-delivery. Telegram re-sends a webhook update it got no 2xx for (and getUpdates re-sends an
 * unconfirmed one) for a while and across our restarts, so the record lives in the database, not
 * in memory. It is written in the update's own transaction, with the update's effects
 * (bot/update-transaction.ts): a crash before the commit leaves no record, and the re-delivery is
 * processed. A concurrent second delivery waits on the primary key until the first one's
 * transaction ends, then sees its outcome.
 */
export async function recordUpdate(db: DatabaseOrTransaction, updateId: number): Promise<boolean> {
  const inserted = await db
    .insert(processedUpdates)
    .values({ updateId })
    .onConflictDoNothing()
    .returning({ updateId: processedUpdates.updateId });
  return inserted.length === 1;
}

/**
 * Forgets records older than `hours`. Telegram keeps an undelivered update for 24 hours at most, so
 * two days is ample; and after a week without updates it may restart numbering at random, when an
 * old record could swallow a new update that happens to get the same id.
 */
export async function pruneProcessedUpdates(db: Database, hours = 48): Promise<void> {
  await db
    .delete(processedUpdates)
    .where(lt(processedUpdates.processedAt, sql`now() - make_interval(hours => ${hours})`));
}
