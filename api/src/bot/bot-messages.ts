import { eq } from "drizzle-orm";
import { type Api, GrammyError } from "grammy";
import type { Database } from "../db/client";
import { outboxJobs } from "../db/schema";
import type { Logger } from "../logger";
import { confirmSlot, type GroupPacing, isGroupChat, reserveSendSlot } from "../outbox/group-pacing";
import { type DatabaseOrTransaction, DeferJob, enqueueJob, type OutboxHandler } from "../outbox/outbox";
import { describeError } from "./update-log";

/**
 * The bot's messages (its replies to a guest, its alert to the managers) travel through the outbox:
 * an update writes them as jobs in its own transaction, so they exist exactly when the update's
 * effects do, and a crash after the commit cannot lose them. See
 * docs/decisions/014-bot-updates-exactly-once.md.
 */
export const botMessagesKind = "bot_messages";

/** What `sendMessage` takes besides the chat and the text; stored as JSON in the job. */
export type MessageOptions = Parameters<Api["sendMessage"]>[2];

interface QueuedMessage {
  text: string;
  options?: MessageOptions;
}

interface BotMessagesPayload {
  chatId: number;
  messages: QueuedMessage[];
}

/** The messages an update wants sent, per chat and in order; `enqueue` writes them as outbox jobs. */
export class OutgoingMessages {
  private readonly byChat = new Map<number, QueuedMessage[]>();

  add(chatId: number, text: string, options?: MessageOptions): void {
    const queued = this.byChat.get(chatId) ?? [];
    // JSON now, as it will be sent: grammY's keyboards are classes, the job keeps their JSON.
    queued.push({ text, ...(options ? { options: JSON.parse(JSON.stringify(options)) } : {}) });
    this.byChat.set(chatId, queued);
  }

  /**
   * One job per chat, so the messages to one chat keep their order (the keyboard removal before the
   * Mini App button); returns the jobs' ids.
   */
  async enqueue(tx: DatabaseOrTransaction): Promise<number[]> {
    const ids: number[] = [];
    for (const [chatId, messages] of this.byChat) {
      ids.push(await enqueueJob(tx, botMessagesKind, { chatId, messages } satisfies BotMessagesPayload));
    }
    return ids;
  }
}

/**
 * Sends a job's messages in order, saving after each one how many went out, so a retry or a
 * restart goes on from the next message (a duplicate needs a crash between Telegram's "ok" and that
 * write). A guest's chat that refuses for good (they blocked the bot, the chat is gone: a 4xx other
 * than 429) ends the job: retrying cannot help, and the guest's next message starts afresh. The
 * managers' chat is paced and its refusals kept for retry, as the reviews' are: an operator can fix
 * MANAGER_CHAT_ID. Once sent, the texts are dropped from the job: they may carry a name or a phone.
 */
export function botMessagesHandler(deps: {
  db: Database;
  api: Api;
  pacing: GroupPacing;
  logger: Logger;
}): OutboxHandler {
  return async (job, context) => {
    const { chatId, messages } = job.payload as unknown as BotMessagesPayload;
    const forgetTexts = async (tx: DatabaseOrTransaction) => {
      await tx
        .update(outboxJobs)
        .set({ payload: { chatId, messages: messages.length } })
        .where(eq(outboxJobs.id, job.id));
    };
    let sent = Number(job.progress?.sent ?? 0);
    while (sent < messages.length) {
      const message = messages[sent] as QueuedMessage;
      let slotId: number | undefined;
      if (isGroupChat(chatId)) {
        const reservation = await reserveSendSlot(deps.db, chatId, deps.pacing);
        if ("retryAt" in reservation) throw new DeferJob(reservation.retryAt, `chat ${chatId} is paced`);
        slotId = reservation.slotId;
      }
      try {
        await deps.api.sendMessage(chatId, message.text, message.options);
      } catch (error) {
        if (!isGroupChat(chatId) && refusedForGood(error)) {
          deps.logger.warn(
            { jobId: job.id, chatId, sent, error: describeError(error) },
            "bot: Telegram refused a message to a guest; not retried",
          );
          return { result: { chatId, sent, refused: true }, onDone: forgetTexts };
        }
        throw error;
      } finally {
        if (slotId !== undefined) await confirmSlot(deps.db, slotId).catch(() => undefined);
      }
      sent += 1;
      await context.saveProgress({ chatId, sent });
    }
    return { result: { chatId, sent }, onDone: forgetTexts };
  };
}

function refusedForGood(error: unknown): boolean {
  return (
    error instanceof GrammyError &&
    error.error_code >= 400 &&
    error.error_code < 500 &&
    error.error_code !== 429
  );
}
