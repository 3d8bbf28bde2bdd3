import {
  type Broadcast,
  type BroadcastSegment,
  broadcastSegmentSchema,
  type CreateBroadcastRequest,
  type TestBroadcastRequest,
} from "@guestcard/shared";
import { and, desc, eq, ne, sql } from "drizzle-orm";
import { botMessagesKind } from "../bot/bot-messages";
import type { Database } from "../db/client";
import { broadcasts } from "../db/schema";
import { ApiError } from "../errors";
import { enqueueJob } from "../outbox/outbox";
import { broadcastKeyboard, broadcastTextsFor } from "./broadcast-texts";
import { freezeRecipients, type SegmentContext } from "./recipients";

type BroadcastRow = typeof broadcasts.$inferSelect;

/** The API's shape of a broadcast (shared/src/broadcasts.ts). */
export function toBroadcastDto(row: BroadcastRow): Broadcast & { skipped: number } {
  return {
    id: row.id,
    status: row.status,
    recipients: row.recipients,
    sent: row.sent,
    blocked: row.blocked,
    failed: row.failed,
    skipped: row.skipped,
    cancelled: row.cancelled,
    text: row.text,
    openAppButton: row.openAppButton,
    // Stored from the validated request: it parses.
    segment: broadcastSegmentSchema.parse(row.segment) as BroadcastSegment,
    createdAt: row.createdAt.toISOString(),
    finishedAt: row.finishedAt ? row.finishedAt.toISOString() : null,
  };
}

/**
 * Creates a broadcast and freezes its recipient list, in one transaction: the list is exactly the
 * guests eligible at that moment (recipients.ts), and nobody added or changed later joins it. An
 * empty list makes a broadcast that is done at once.
 */
export async function createBroadcast(
  db: Database,
  request: CreateBroadcastRequest,
  context: SegmentContext & { managerTelegramId: number },
): Promise<BroadcastRow> {
  return db.transaction(async (tx) => {
    const [created] = await tx
      .insert(broadcasts)
      .values({
        text: request.text,
        openAppButton: request.openAppButton,
        segment: request.segment,
        createdBy: context.managerTelegramId,
      })
      .returning({ id: broadcasts.id });
    if (!created) throw new Error("insert returned no broadcast");
    const recipients = await freezeRecipients(tx, created.id, request.segment, context);
    const [row] = await tx
      .update(broadcasts)
      .set({
        recipients,
        ...(recipients === 0 ? { status: "done" as const, finishedAt: sql`now()` } : {}),
      })
      .where(eq(broadcasts.id, created.id))
      .returning();
    if (!row) throw new Error("the broadcast just made is missing");
    return row;
  });
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function notFound(): ApiError {
  return new ApiError("not_found", "There is no such broadcast.");
}

export async function readBroadcast(db: Database, id: string): Promise<BroadcastRow> {
  // Any other text names no broadcast: a 404, never a database error.
  if (!uuidPattern.test(id)) throw notFound();
  const [row] = await db.select().from(broadcasts).where(eq(broadcasts.id, id));
  if (!row) throw notFound();
  return row;
}

/** The history, newest first (the last `limit`). */
export async function listBroadcasts(db: Database, limit = 100): Promise<BroadcastRow[]> {
  return db.select().from(broadcasts).orderBy(desc(broadcasts.createdAt), desc(broadcasts.id)).limit(limit);
}

/**
 * Cancels a broadcast: it is done at once, and the senders claim nothing more of it (a message
 * already on its way to Telegram still lands and is counted). Cancelling a finished one changes nothing.
 */
export async function cancelBroadcast(db: Database, id: string): Promise<BroadcastRow> {
  const existing = await readBroadcast(db, id);
  const [row] = await db
    .update(broadcasts)
    .set({ status: "done", cancelled: true, finishedAt: sql`now()` })
    .where(and(eq(broadcasts.id, existing.id), ne(broadcasts.status, "done")))
    .returning();
  return row ?? readBroadcast(db, id);
}

/**
 * The test send: the message as guests will get it, to the calling manager's own private chat and
 * nobody else's, through the outbox (the bot's own messages' job kind). Returns the job's id.
 */
export async function enqueueTestBroadcast(
  db: Database,
  request: TestBroadcastRequest,
  manager: { telegramId: number; languageCode: string | null },
  miniAppUrl: string | undefined,
): Promise<number> {
  const texts = broadcastTextsFor(manager.languageCode);
  return enqueueJob(db, botMessagesKind, {
    chatId: manager.telegramId,
    messages: [
      {
        text: request.text,
        options: {
          reply_markup: broadcastKeyboard(texts, { openAppButton: request.openAppButton, miniAppUrl }),
        },
      },
    ],
  });
}
