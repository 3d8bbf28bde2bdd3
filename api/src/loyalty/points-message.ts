import { eq } from "drizzle-orm";
import type { Database } from "../db/client";
import { telegramUsers } from "../db/schema";
import type { OutboxHandler } from "../outbox/outbox";
import { sendMessageParts, type TelegramDelivery } from "../outbox/send-message-parts";
import { type PointsEvent, pointsMessage } from "./points-texts";

/**
 * The outbox job a bill or a refund leaves for the guest (enqueued by the database functions of
 * migration 0006 in the same transaction, with the figures as they were decided).
 */
export const pointsMessageJobKind = "guest-points-message";

/**
 * Delivers the guest's message about a bill or a refund to their private chat, through the review
 * outbox's worker (api/src/reviews/review-delivery.ts registers it): a Telegram failure delays it,
 * never loses it, and its message id is saved the moment Telegram accepts it, so it is not sent twice.
 */
export function pointsMessageHandlers(delivery: TelegramDelivery): Record<string, OutboxHandler> {
  return {
    [pointsMessageJobKind]: async (job, context) => {
      const event = readEvent(job.payload);
      const guest = await guestChat(delivery.db, String(job.payload.accountId));
      // The guest deleted their data, or unlinked, since the bill: nobody to tell.
      if (!event || !guest)
        return { result: { skipped: event ? "guest not reachable" : "unreadable payload" } };
      const messageIds = await sendMessageParts(delivery, job, context, {
        chatId: guest.chatId,
        parts: [pointsMessage(event, guest.languageCode)],
      });
      return { result: { chatId: guest.chatId, messageIds } };
    },
  };
}

async function guestChat(db: Database, accountId: string) {
  const [user] = await db
    .select({ chatId: telegramUsers.id, languageCode: telegramUsers.languageCode })
    .from(telegramUsers)
    .where(eq(telegramUsers.accountId, accountId));
  return user ?? null;
}

function readEvent(payload: Record<string, unknown>): PointsEvent | null {
  const whole = (value: unknown) => (typeof value === "number" && Number.isSafeInteger(value) ? value : null);
  const checkId = typeof payload.checkId === "string" ? payload.checkId : null;
  const total = whole(payload.total);
  const balance = whole(payload.balance);
  if (checkId === null || total === null || balance === null) return null;
  if (payload.event === "purchase") {
    const redeemed = whole(payload.redeemed);
    const earned = whole(payload.earned);
    if (redeemed === null || earned === null) return null;
    return { event: "purchase", checkId, total, redeemed, earned, balance };
  }
  if (payload.event === "refund") {
    const points = whole(payload.points);
    if (points === null) return null;
    return { event: "refund", checkId, total, points, balance };
  }
  return null;
}
