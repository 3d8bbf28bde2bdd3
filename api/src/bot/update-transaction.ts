import type { Context, MiddlewareFn } from "grammy";
import type { Database } from "../db/client";
import { isDatabaseUnavailable } from "../db/database-failure";
import type { Logger } from "../logger";
import type { UpdateResult } from "../observability/metrics";
import { recordUpdate } from "../telegram/processed-updates";
import { type MessageOptions, OutgoingMessages } from "./bot-messages";
import { describeError, describeUpdate } from "./update-log";

/** What every feature of the bot gets on its context while it handles one update. */
export interface UpdateFlavor {
  /**
   * The update's own transaction. Every read and write of a feature goes through it, never through
   * the database handle itself: on PGlite a query outside a running transaction waits for it, so
   * it would wait for ever.
   */
  db: Database;
  /** A message to this update's chat, sent once the update's effects have committed. */
  queueReply(text: string, options?: MessageOptions): void;
  /** A message to another chat (the managers'), sent once the update's effects have committed. */
  queueMessage(chatId: number, text: string, options?: MessageOptions): void;
}

export type BotContext = Context & UpdateFlavor;

export interface UpdateTransactionDeps {
  db: Database;
  /**
   * The bot's features, run inside the transaction. Not grammY's `next`: a retry runs them again,
   * and grammY's `next` may be called only once.
   */
  features: MiddlewareFn<BotContext>;
  logger: Logger;
  metrics?: { countUpdate(result: UpdateResult): void };
  /** Sends an update's messages right after the commit; the outbox worker retries what fails. */
  deliverNow(jobIds: number[]): Promise<void>;
  /**
   * Long polling: grammY confirms an update to Telegram once handled, failed or not, so an update
   * that met a database outage would be lost. While this says true (the bot is polling), such an
   * update is tried again, with backoff, holding up the updates behind it until the database is back.
   */
  retryWhileUnavailable?: () => boolean;
}

const firstRetryMs = 1000;
const longestRetryMs = 30_000;

/**
 * Runs each update in one database transaction: its `update_id` is recorded in the same transaction
 * as the features' writes and the outbox jobs of its messages, so either all of it commits or none
 * of it does (docs/decisions/014-bot-updates-exactly-once.md):
 * - a re-delivery of a committed update finds its `update_id` and does nothing (`duplicate`);
 * - a crash, or a database that stops answering, before the commit leaves no trace: the update
 *   fails here (the webhook answers 5xx) and Telegram's re-delivery is processed afresh. Two
 *   deliveries at once wait on the `update_id`'s primary key: the second sees the first's outcome;
 * - a feature that throws for any other reason (a bug, data we cannot handle) has its writes rolled
 *   back and the update recorded as processed on its own, so Telegram stops re-sending it and the
 *   bot goes on with the next update (a re-sent poison update would otherwise block all others).
 * The messages are sent after the commit, here, and by the outbox worker if that fails.
 */
export function updateTransaction(deps: UpdateTransactionDeps): MiddlewareFn<BotContext> {
  return async (ctx) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await handleInOneTransaction(deps, ctx);
      } catch (error) {
        if (!deps.retryWhileUnavailable?.()) throw error;
        const retryInMs = Math.min(longestRetryMs, firstRetryMs * 2 ** (attempt - 1));
        deps.logger.warn(
          { updateId: ctx.update.update_id, attempt, retryInMs, error: describeError(error) },
          "update not processed: the database is unavailable; trying again",
        );
        await new Promise((resolve) => setTimeout(resolve, retryInMs));
      }
    }
  };
}

/** One attempt; throws only when the database is unavailable (nothing of the update committed). */
async function handleInOneTransaction(deps: UpdateTransactionDeps, ctx: BotContext): Promise<void> {
  const updateId = ctx.update.update_id;
  let result = "handled" as UpdateResult;
  let jobIds: number[] = [];
  try {
    await deps.db.transaction(async (tx) => {
      if (!(await recordUpdate(tx, updateId))) {
        result = "duplicate";
        return;
      }
      const outgoing = new OutgoingMessages();
      ctx.db = tx;
      ctx.queueMessage = (chatId, text, options) => outgoing.add(chatId, text, options);
      ctx.queueReply = (text, options) => {
        if (!ctx.chat) throw new Error("queueReply: this update has no chat");
        outgoing.add(ctx.chat.id, text, options);
      };
      await deps.features(ctx, async () => {});
      jobIds = await outgoing.enqueue(tx);
    });
  } catch (error) {
    // Nothing was recorded: Telegram delivers the update again (the webhook answers 5xx).
    if (isDatabaseUnavailable(error)) throw error;
    deps.logger.error({ update: describeUpdate(ctx.update), error: describeError(error) }, "update failed");
    // Rolled back as a whole; recorded on its own so that it is not delivered again and again.
    await recordUpdate(deps.db, updateId);
    result = "failed";
  }
  deps.metrics?.countUpdate(result);
  if (result === "duplicate") deps.logger.info({ updateId }, "update already processed, ignored");
  if (jobIds.length > 0) await deps.deliverNow(jobIds);
}
