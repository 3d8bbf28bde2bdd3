import { and, eq, lt, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { telegramSendSlots } from "../db/schema";

/** Telegram lets a bot send about 20 messages a minute to one group; more and it answers 429. */
export interface GroupPacing {
  messages: number;
  windowMs: number;
}

export const telegramGroupPacing: GroupPacing = { messages: 20, windowMs: 60_000 };

/** Private chats (positive ids) have a per-second limit our rare replies never reach; groups are negative. */
export function isGroupChat(chatId: number): boolean {
  return chatId < 0;
}

// Arbitrary, fixed: the first half of the two-key advisory lock, so ours never meet another feature's.
const pacingLockNamespace = 720_641;

export type SlotReservation = { slotId: number } | { retryAt: Date };

/**
 * Takes one of the chat's sends in the current window, or says when the next one frees up.
 * All server processes share the database, so they share the count: a per-chat advisory lock makes
 * "count, then take" atomic across them. A slot is taken before the request goes out and its time
 * is moved to the moment Telegram answered (`confirmSlot`), so a recorded time is never earlier
 * than the message's arrival at Telegram and the window we count is never shorter than theirs.
 * Slots of failed attempts stay counted: Telegram may have counted them too.
 */
export async function reserveSendSlot(
  db: Database,
  chatId: number,
  pacing: GroupPacing,
): Promise<SlotReservation> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${pacingLockNamespace}, hashtext(${String(chatId)}))`);
    const windowStart = sql`clock_timestamp() - ${pacing.windowMs}::int * interval '1 millisecond'`;
    await tx
      .delete(telegramSendSlots)
      .where(and(eq(telegramSendSlots.chatId, chatId), lt(telegramSendSlots.at, windowStart)));
    const recent = await tx
      .select({ at: telegramSendSlots.at })
      .from(telegramSendSlots)
      .where(eq(telegramSendSlots.chatId, chatId))
      .orderBy(telegramSendSlots.at);
    if (recent.length >= pacing.messages) {
      // The send that must leave the window before another fits in it.
      const blocking = recent[recent.length - pacing.messages];
      const retryAt = new Date((blocking?.at.getTime() ?? Date.now()) + pacing.windowMs + 1);
      return { retryAt };
    }
    const [slot] = await tx
      .insert(telegramSendSlots)
      .values({ chatId, at: sql`clock_timestamp()` })
      .returning({ id: telegramSendSlots.id });
    if (!slot) throw new Error("insert returned no send slot");
    return { slotId: slot.id };
  });
}

/** Moves the slot to now, once Telegram has answered (accepted or refused) the message it was for. */
export async function confirmSlot(db: Database, slotId: number): Promise<void> {
  await db
    .update(telegramSendSlots)
    .set({ at: sql`clock_timestamp()` })
    .where(eq(telegramSendSlots.id, slotId));
}
