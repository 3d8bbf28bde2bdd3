import {
  type GuestReview,
  type ReviewRequest,
  reviewsPerHourLimit,
  type TelegramUser,
} from "@guestcard/shared";
import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { Database } from "../db/client";
import { accounts, reviewReplies, reviews, telegramUsers } from "../db/schema";
import { ApiError } from "../errors";
import { rememberTelegramUser } from "../guests/guests";
import { type DatabaseOrTransaction, enqueueJob } from "../outbox/outbox";
import type { ReviewAuthor } from "./review-message";

/** The outbox job kinds of the review conversation (see delivery-handlers.ts). */
export const reviewJobKinds = {
  /** A new review → the managers' chat. Payload `{ reviewId }`. */
  deliverReview: "review.deliver",
  /** A manager's reply → the guest, privately. Payload `{ replyId }`. */
  replyToGuest: "review.reply_to_guest",
  /** The guest's answer → the managers' chat, replying to the review. Payload `{ replyId }`. */
  answerToManagers: "review.answer_to_managers",
} as const;

/**
 * The API (docs/api.md, Errors) answers a review without a shared phone with `403 phone_required`, while the same
 * code means 409 for registration; the status is the one thing this error changes.
 */
export class ReviewPhoneRequiredError extends ApiError {
  constructor() {
    super("phone_required", "Share your phone number with the bot before sending a review.");
  }

  override get status(): ContentfulStatusCode {
    return 403;
  }
}

const hourMs = 60 * 60 * 1000;

/**
 * Throws `429 too_many_requests` (with `Retry-After`) when the guest has sent the limit of reviews
 * within the last hour. Counted in the database, so it holds across server processes and restarts.
 */
export async function assertWithinReviewLimit(
  db: DatabaseOrTransaction,
  telegramUserId: number,
): Promise<void> {
  const recent = await db
    .select({
      // When this review stops counting, in whole seconds from now (the database's clock).
      expiresInSeconds: sql<number>`ceil(extract(epoch from (${reviews.createdAt} + ${hourMs}::int * interval '1 millisecond' - now())))::int`,
    })
    .from(reviews)
    .where(
      and(
        eq(reviews.telegramUserId, telegramUserId),
        sql`${reviews.createdAt} > now() - ${hourMs}::int * interval '1 millisecond'`,
      ),
    )
    .orderBy(desc(reviews.createdAt))
    .limit(reviewsPerHourLimit);
  if (recent.length < reviewsPerHourLimit) return;
  const oldest = recent[recent.length - 1];
  const retryAfter = Math.max(1, Number(oldest?.expiresInSeconds ?? 60));
  throw new ApiError(
    "too_many_requests",
    `At most ${reviewsPerHourLimit} reviews an hour; please try again later.`,
    undefined,
    { "retry-after": String(retryAfter) },
  );
}

/**
 * Stores the review and its delivery job in one transaction: once this returns, the review reaches
 * the managers' chat eventually, whatever happens to this process or to Telegram.
 * The guest's row is locked meanwhile, so two reviews sent at once cannot both slip under the limit.
 */
export async function submitReview(db: Database, user: TelegramUser, input: ReviewRequest): Promise<string> {
  await rememberTelegramUser(db, user);
  return db.transaction(async (tx) => {
    const [guest] = await tx
      .select({ phone: telegramUsers.phone, accountId: telegramUsers.accountId })
      .from(telegramUsers)
      .where(eq(telegramUsers.id, user.id))
      .for("update");
    if (!guest?.phone) throw new ReviewPhoneRequiredError();
    await assertWithinReviewLimit(tx, user.id);
    const [review] = await tx
      .insert(reviews)
      .values({
        telegramUserId: user.id,
        accountId: guest.accountId,
        rating: input.rating ?? null,
        text: input.text,
      })
      .returning({ id: reviews.id });
    if (!review) throw new Error("insert returned no review");
    await enqueueJob(tx, reviewJobKinds.deliverReview, { reviewId: review.id });
    return review.id;
  });
}

/** How many reviews one page of the guest's history shows. */
const historyLength = 50;

/** The guest's own reviews, newest first, with whether each reached the managers and their replies. */
export async function listGuestReviews(db: Database, telegramUserId: number): Promise<GuestReview[]> {
  const rows = await db
    .select({
      id: reviews.id,
      text: reviews.text,
      rating: reviews.rating,
      createdAt: reviews.createdAt,
      deliveredAt: reviews.deliveredAt,
    })
    .from(reviews)
    .where(eq(reviews.telegramUserId, telegramUserId))
    .orderBy(desc(reviews.createdAt), desc(reviews.id))
    .limit(historyLength);
  if (rows.length === 0) return [];
  const replies = await db
    .select({
      id: reviewReplies.id,
      reviewId: reviewReplies.reviewId,
      author: reviewReplies.author,
      text: reviewReplies.text,
      createdAt: reviewReplies.createdAt,
    })
    .from(reviewReplies)
    .where(
      inArray(
        reviewReplies.reviewId,
        rows.map((row) => row.id),
      ),
    )
    .orderBy(asc(reviewReplies.createdAt), asc(reviewReplies.id));
  return rows.map((row) => {
    const conversation = replies.filter((reply) => reply.reviewId === row.id);
    return {
      id: row.id,
      text: row.text,
      rating: row.rating,
      createdAt: row.createdAt.toISOString(),
      delivered: row.deliveredAt !== null,
      answered: conversation.some((reply) => reply.author === "manager"),
      replies: conversation.map((reply) => ({
        id: reply.id,
        author: reply.author,
        text: reply.text,
        at: reply.createdAt.toISOString(),
      })),
    };
  });
}

/** A review with what the managers' chat shows about its author; undefined once it is gone (data deleted). */
export async function loadReviewWithAuthor(db: Database, reviewId: string) {
  const [row] = await db
    .select({
      review: reviews,
      telegramUser: {
        firstName: telegramUsers.firstName,
        lastName: telegramUsers.lastName,
        username: telegramUsers.username,
        phone: telegramUsers.phone,
        languageCode: telegramUsers.languageCode,
      },
      account: {
        lastName: accounts.lastName,
        firstName: accounts.firstName,
        middleName: accounts.middleName,
        phone: accounts.phone,
      },
    })
    .from(reviews)
    .innerJoin(telegramUsers, eq(telegramUsers.id, reviews.telegramUserId))
    .leftJoin(accounts, eq(accounts.id, reviews.accountId))
    .where(eq(reviews.id, reviewId));
  if (!row) return undefined;
  const { review, telegramUser, account } = row;
  const fullName = account
    ? [account.lastName, account.firstName, account.middleName]
    : [telegramUser.firstName, telegramUser.lastName];
  const author: ReviewAuthor = {
    telegramUserId: review.telegramUserId,
    fullName: fullName.filter((part) => part?.trim()).join(" "),
    username: telegramUser.username,
    phone: telegramUser.phone ?? account?.phone ?? null,
  };
  return { review, author, guestLanguageCode: telegramUser.languageCode };
}

/** Reviews for the demo's stand-in of the managers' chat, newest first. */
export async function latestReviewIds(db: Database, limit: number): Promise<string[]> {
  const rows = await db
    .select({ id: reviews.id })
    .from(reviews)
    .orderBy(desc(reviews.createdAt), desc(reviews.id))
    .limit(limit);
  return rows.map((row) => row.id);
}

/** Whether any review still waits for the managers' chat (for the start-up log line). */
export async function countUndeliveredReviews(db: Database): Promise<number> {
  const [row] = await db
    .select({ count: sql<number>`count(*)::int` })
    .from(reviews)
    .where(sql`${reviews.deliveredAt} is null`);
  return Number(row?.count ?? 0);
}
