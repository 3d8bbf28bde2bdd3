import type { ReviewAnswer } from "@guestcard/shared";
import { and, asc, eq, inArray, isNull, type SQL, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { reviewReplies, reviews } from "../db/schema";
import { ApiError } from "../errors";

/*
 * The restaurant's answer on the guest's home (docs/decisions/026-review-answer-on-home.md): the
 * managers' replies to the guest's latest review that the guest has not marked read. `GET /api/me`
 * says whether there is one (in its one statement, with `reviewAnswerUnread`); home then fetches it.
 * Deleting one's data deletes the reviews and their replies (decision 019), so nothing is left to show.
 */

/** The guest's latest review, ordered as their history is (reviews.ts): newest first, then by id. */
function latestReviewId(telegramUserId: number): SQL {
  return sql`(select latest.id from reviews latest
               where latest.telegram_user_id = ${telegramUserId}
               order by latest.created_at desc, latest.id desc
               limit 1)`;
}

/** A manager's reply the guest has not marked read (their own answers are never "unread"). */
const unreadManagerReply = and(eq(reviewReplies.author, "manager"), isNull(reviewReplies.readAt));

/** Whether home has an answer to show, as a column of `GET /api/me`'s statement (guests/open-mini-app.ts). */
export function reviewAnswerUnreadSql(telegramUserId: number): SQL {
  return sql`exists (select 1 from ${reviewReplies}
                      where ${reviewReplies.reviewId} = ${latestReviewId(telegramUserId)}
                        and ${unreadManagerReply})`;
}

/** The answer home shows: the latest review and its unread managers' replies, oldest first; null when none. */
export async function loadReviewAnswer(db: Database, telegramUserId: number): Promise<ReviewAnswer | null> {
  const rows = await db
    .select({
      reviewId: reviews.id,
      rating: reviews.rating,
      reviewCreatedAt: reviews.createdAt,
      replyId: reviewReplies.id,
      text: reviewReplies.text,
      at: reviewReplies.createdAt,
    })
    .from(reviews)
    .innerJoin(reviewReplies, and(eq(reviewReplies.reviewId, reviews.id), unreadManagerReply))
    .where(sql`${reviews.id} = ${latestReviewId(telegramUserId)}`)
    .orderBy(asc(reviewReplies.createdAt), asc(reviewReplies.id));
  const [first] = rows;
  if (!first) return null;
  return {
    review: { id: first.reviewId, rating: first.rating, createdAt: first.reviewCreatedAt.toISOString() },
    replies: rows.map((row) => ({
      id: row.replyId,
      author: "manager" as const,
      text: row.text,
      at: row.at.toISOString(),
    })),
  };
}

/**
 * Marks the named managers' replies read, stored so that the answer stays dismissed after a reload
 * and on the guest's other devices; a reply that came since is not among them and still shows.
 * Every id must be a manager's reply to one of this guest's reviews, or nothing changes (404).
 * Marking one already read again keeps its first time. Answers what is left to show.
 */
export async function markReviewAnswerRead(
  db: Database,
  telegramUserId: number,
  replyIds: readonly number[],
): Promise<ReviewAnswer | null> {
  const wanted = [...new Set(replyIds)];
  await db.transaction(async (tx) => {
    const marked = await tx
      .update(reviewReplies)
      .set({ readAt: sql`coalesce(${reviewReplies.readAt}, now())` })
      .where(
        and(
          inArray(reviewReplies.id, wanted),
          eq(reviewReplies.author, "manager"),
          inArray(
            reviewReplies.reviewId,
            tx.select({ id: reviews.id }).from(reviews).where(eq(reviews.telegramUserId, telegramUserId)),
          ),
        ),
      )
      .returning({ id: reviewReplies.id });
    // Thrown inside the transaction, so the replies that were the guest's are not marked either.
    if (marked.length !== wanted.length)
      throw new ApiError("not_found", "Not every reply named is an answer to one of your reviews.");
  });
  return loadReviewAnswer(db, telegramUserId);
}
