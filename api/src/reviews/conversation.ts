import { cleanMultiLineText } from "@guestcard/shared";
import { and, eq, inArray } from "drizzle-orm";
import type { Database } from "../db/client";
import { reviewMessages, reviewReplies, reviews } from "../db/schema";
import { type DatabaseOrTransaction, enqueueJob } from "../outbox/outbox";
import { reviewJobKinds } from "./reviews";

/**
 * The conversation that follows a review: a manager replies (Telegram "reply") to the review in the
 * managers' chat → the guest gets it privately; the guest replies to that → the managers get it as
 * a reply to the review. Every message of it is recorded in `review_messages` by the chat and id
 * Telegram gave it, which is how a reply finds its review.
 */

export type ReviewMessageKind = (typeof reviewMessages.$inferInsert)["kind"];

export async function recordReviewMessage(
  db: DatabaseOrTransaction,
  message: { chatId: number; messageId: number; reviewId: string; kind: ReviewMessageKind },
): Promise<void> {
  await db.insert(reviewMessages).values(message).onConflictDoNothing();
}

/** The review a Telegram message belongs to, if it is one of the given kinds. */
async function reviewOfMessage(
  db: DatabaseOrTransaction,
  chatId: number,
  messageId: number,
  kinds: readonly ReviewMessageKind[],
): Promise<string | undefined> {
  const [row] = await db
    .select({ reviewId: reviewMessages.reviewId })
    .from(reviewMessages)
    .where(
      and(
        eq(reviewMessages.chatId, chatId),
        eq(reviewMessages.messageId, messageId),
        inArray(reviewMessages.kind, [...kinds]),
      ),
    );
  return row?.reviewId;
}

export interface IncomingReply {
  /** The chat the reply was written in, and the reply's own message id there. */
  chatId: number;
  messageId: number;
  /** The message it replies to, in the same chat. */
  replyToMessageId: number;
  authorTelegramId: number;
  text: string;
}

export type ReplyOutcome = "stored" | "already_stored" | "not_a_review";

/**
 * Stores a reply and its delivery job in one transaction. `already_stored` when the same Telegram
 * message was stored before (a re-sent update): it is delivered once, whatever Telegram re-sends.
 */
async function storeReply(
  db: Database,
  reply: IncomingReply,
  author: "manager" | "guest",
  repliesTo: readonly ReviewMessageKind[],
  jobKind: string,
): Promise<ReplyOutcome> {
  return db.transaction(async (tx) => {
    const reviewId = await reviewOfMessage(tx, reply.chatId, reply.replyToMessageId, repliesTo);
    if (!reviewId) return "not_a_review";
    const [stored] = await tx
      .insert(reviewReplies)
      .values({
        reviewId,
        author,
        authorTelegramId: reply.authorTelegramId,
        // Telegram's text is not ours to refuse: what PostgreSQL cannot store (a NUL) becomes U+FFFD.
        text: cleanMultiLineText(reply.text),
        sourceChatId: reply.chatId,
        sourceMessageId: reply.messageId,
      })
      .onConflictDoNothing()
      .returning({ id: reviewReplies.id });
    if (!stored) return "already_stored";
    await enqueueJob(tx, jobKind, { replyId: stored.id });
    return "stored";
  });
}

/** A manager's reply, in the managers' chat, to a review or to a guest's answer there. */
export function storeManagerReply(db: Database, reply: IncomingReply): Promise<ReplyOutcome> {
  return storeReply(db, reply, "manager", ["review", "guest_answer"], reviewJobKinds.replyToGuest);
}

/** The guest's answer, in their private chat with the bot, to a manager's reply. */
export function storeGuestAnswer(db: Database, reply: IncomingReply): Promise<ReplyOutcome> {
  return storeReply(db, reply, "guest", ["manager_reply"], reviewJobKinds.answerToManagers);
}

/** A reply with what its delivery needs; undefined once it is gone (the guest deleted their data). */
export async function loadReply(db: Database, replyId: number) {
  const [row] = await db
    .select({
      reply: reviewReplies,
      review: {
        id: reviews.id,
        text: reviews.text,
        telegramUserId: reviews.telegramUserId,
        managerChatId: reviews.managerChatId,
        managerMessageIds: reviews.managerMessageIds,
      },
    })
    .from(reviewReplies)
    .innerJoin(reviews, eq(reviews.id, reviewReplies.reviewId))
    .where(eq(reviewReplies.id, replyId));
  return row;
}
