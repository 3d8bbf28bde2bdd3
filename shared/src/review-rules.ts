/*
 * The review rules as plain constants, apart from the schemas in reviews.ts: the stars on home's
 * answer card need `reviewRatingMax`, and importing it must not pull zod into that chunk.
 */

/** README.md (Reviews): a review's text is 1–4000 characters; the rating, when given, 1–5. */
export const reviewTextMaxLength = 4000;
export const reviewRatingMin = 1;
export const reviewRatingMax = 5;

/** README.md (Reviews): more than this many reviews from one guest within an hour → 429. */
export const reviewsPerHourLimit = 5;
