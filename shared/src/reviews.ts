import * as z from "zod/mini";
import { fieldRule } from "./field-errors";
import { reviewRatingMax, reviewRatingMin, reviewTextMaxLength } from "./review-rules";
import { multiLineText } from "./text-rules";

/**
 * Length as the Mini App's counter and a textarea's `maxLength` count it (UTF-16 code units), so a
 * guest who sees "4000 / 4000" is never refused by the server. The text is trimmed first: blank
 * lines around a review are not part of it. Line breaks stay; other control characters are refused
 * (text-rules.ts).
 */
const reviewText = multiLineText({ required: true, maxLength: reviewTextMaxLength });

const ratingRule = fieldRule("out_of_range", { min: reviewRatingMin, max: reviewRatingMax });
const reviewRating = z
  .number(ratingRule)
  .check(z.int(ratingRule), z.gte(reviewRatingMin, ratingRule), z.lte(reviewRatingMax, ratingRule));

/** `POST /api/reviews` body, used by the API's validator and by the Mini App's form. `rating` null = not given. */
export const reviewRequestSchema = z.object({
  text: reviewText,
  rating: z.optional(z.nullable(reviewRating)),
});
export type ReviewRequest = z.infer<typeof reviewRequestSchema>;
export type ReviewInput = z.input<typeof reviewRequestSchema>;

/** `POST /api/reviews` → 202: stored, and on its way to the managers' chat. */
export const reviewAcceptedResponseSchema = z.object({ id: z.string() });
export type ReviewAcceptedResponse = z.infer<typeof reviewAcceptedResponseSchema>;

/** One message of the conversation that follows a review: a manager's reply or the guest's answer. */
export const reviewReplySchema = z.object({
  id: z.number(),
  author: z.enum(["manager", "guest"]),
  text: z.string(),
  at: z.string(),
});
export type ReviewReply = z.infer<typeof reviewReplySchema>;

/**
 * A review as its author sees it. `delivered`: the managers' chat has it (always false while
 * `MANAGER_CHAT_ID` is unset or in demo mode). `answered`: a manager has replied.
 */
export const guestReviewSchema = z.object({
  id: z.string(),
  text: z.string(),
  rating: z.nullable(z.number()),
  createdAt: z.string(),
  delivered: z.boolean(),
  answered: z.boolean(),
  replies: z.array(reviewReplySchema),
});
export type GuestReview = z.infer<typeof guestReviewSchema>;

/** `GET /api/reviews`: the guest's own reviews, newest first. */
export const guestReviewsResponseSchema = z.object({ reviews: z.array(guestReviewSchema) });
export type GuestReviewsResponse = z.infer<typeof guestReviewsResponseSchema>;

/**
 * The restaurant's answer to the guest's latest review, for the Mini App's home: the review (its
 * date and stars) and the managers' replies to it that the guest has not yet marked read, oldest
 * first. Only the latest review counts: an answer to an older one reaches the guest in the bot chat
 * and in their review history, not on home.
 */
export const reviewAnswerSchema = z.object({
  review: z.object({ id: z.string(), rating: z.nullable(z.number()), createdAt: z.string() }),
  replies: z.array(reviewReplySchema),
});
export type ReviewAnswer = z.infer<typeof reviewAnswerSchema>;

/** `GET /api/reviews/answer` and `POST /api/reviews/answer/read`: the answer to show, or null for none. */
export const reviewAnswerResponseSchema = z.object({ answer: z.nullable(reviewAnswerSchema) });
export type ReviewAnswerResponse = z.infer<typeof reviewAnswerResponseSchema>;

/** More replies than anyone reads in one card; a bound on what one request may name. */
export const reviewAnswerReadMaxReplies = 50;

const replyIdRule = fieldRule("invalid");
const replyId = z.number(replyIdRule).check(z.int(replyIdRule), z.gte(1, replyIdRule));

/**
 * `POST /api/reviews/answer/read`: the replies the guest has seen (the ids `GET /api/reviews/answer`
 * gave). Naming them, rather than "everything so far", keeps a reply that arrived meanwhile unread.
 */
export const reviewAnswerReadRequestSchema = z.object({
  replyIds: z
    .array(replyId, fieldRule("required"))
    .check(
      z.minLength(1, fieldRule("required")),
      z.maxLength(reviewAnswerReadMaxReplies, fieldRule("too_long", { max: reviewAnswerReadMaxReplies })),
    ),
});
export type ReviewAnswerReadRequest = z.infer<typeof reviewAnswerReadRequestSchema>;
