import * as z from "zod/mini";
import { fieldRule } from "./field-errors";
import { multiLineText } from "./text-rules";

/** README.md (Reviews): a review's text is 1–4000 characters; the rating, when given, 1–5. */
export const reviewTextMaxLength = 4000;
export const reviewRatingMin = 1;
export const reviewRatingMax = 5;

/** README.md (Reviews): more than this many reviews from one guest within an hour → 429. */
export const reviewsPerHourLimit = 5;

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
