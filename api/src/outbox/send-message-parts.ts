import type { Api } from "grammy";
import type { Database } from "../db/client";
import { confirmSlot, type GroupPacing, isGroupChat, reserveSendSlot } from "./group-pacing";
import { DeferJob, type JobContext, type OutboxJob } from "./outbox";

export interface TelegramDelivery {
  db: Database;
  /** A grammY `Api` without auto-retry: the outbox owns retries, pacing and the lease. */
  api: Api;
  pacing: GroupPacing;
}

export interface OutgoingMessage {
  chatId: number;
  /** HTML texts, each within Telegram's 4096 characters, sent in order as separate messages. */
  parts: readonly string[];
  /** The first part replies to this message; later parts reply to the first part. */
  replyToMessageId?: number;
  /** When the chat's pacing is used up, hold back every job of this kind (they share the chat). */
  holdKindWhenPaced?: boolean;
}

/** What `sendMessageParts` saves as the job's progress. */
interface PartsProgress {
  chatId: number;
  messageIds: number[];
}

function partsProgress(progress: Record<string, unknown> | null, chatId: number): number[] {
  const saved = progress as Partial<PartsProgress> | null;
  // Parts sent to another chat (MANAGER_CHAT_ID was changed since) do not count: start over there.
  if (!saved || saved.chatId !== chatId || !Array.isArray(saved.messageIds)) return [];
  return saved.messageIds.filter((id): id is number => typeof id === "number");
}

/**
 * Sends a message of one or more parts with `parse_mode: "HTML"`, continuing where an earlier
 * attempt of the same job stopped: each part's message id is saved as the job's progress the moment
 * Telegram accepts it, so a retry or a restart never re-sends a part that was recorded. The one
 * window for a duplicate is between Telegram's "ok" and that write (a crash, or a lost connection
 * to the database, in those milliseconds). Returns the message ids of all parts.
 */
export async function sendMessageParts(
  delivery: TelegramDelivery,
  job: OutboxJob,
  context: JobContext,
  message: OutgoingMessage,
  onPartSent?: (messageId: number, index: number) => Promise<void>,
): Promise<number[]> {
  const { chatId, parts } = message;
  const messageIds = partsProgress(job.progress, chatId).slice(0, parts.length);
  for (let index = messageIds.length; index < parts.length; index++) {
    const text = parts[index] as string;
    let slotId: number | undefined;
    if (isGroupChat(chatId)) {
      const reservation = await reserveSendSlot(delivery.db, chatId, delivery.pacing);
      if ("retryAt" in reservation) {
        throw new DeferJob(reservation.retryAt, `chat ${chatId} is at its pacing limit`, {
          holdKind: message.holdKindWhenPaced,
        });
      }
      slotId = reservation.slotId;
    }
    const replyTo = index === 0 ? message.replyToMessageId : messageIds[0];
    let sent: Awaited<ReturnType<Api["sendMessage"]>>;
    try {
      sent = await delivery.api.sendMessage(chatId, text, {
        parse_mode: "HTML",
        // A link in a guest's text must not unfurl into a preview of someone else's choosing.
        link_preview_options: { is_disabled: true },
        ...(replyTo !== undefined
          ? { reply_parameters: { message_id: replyTo, allow_sending_without_reply: true } }
          : {}),
      });
    } finally {
      // Accepted or refused, Telegram has now seen the message: date its slot from here. A failure
      // to do so only leaves the slot at its (earlier) reservation time, so it is not fatal.
      if (slotId !== undefined) await confirmSlot(delivery.db, slotId).catch(() => undefined);
    }
    messageIds.push(sent.message_id);
    await context.saveProgress({ chatId, messageIds } satisfies PartsProgress);
    await onPartSent?.(sent.message_id, index);
  }
  return messageIds;
}
