import {
  type GuestReviewsResponse,
  guestReviewsResponseSchema,
  type ReviewAcceptedResponse,
  type ReviewAnswerResponse,
  reviewAcceptedResponseSchema,
  reviewAnswerReadRequestSchema,
  reviewAnswerResponseSchema,
  reviewRequestSchema,
} from "@guestcard/shared";
import { createMiddleware } from "hono/factory";
import type { Database } from "../db/client";
import type { GuestEnv, RouteGroup } from "../http/route-groups";
import { jsonRequestBody, jsonResponse } from "../http/route-schema";
import { loadReviewAnswer, markReviewAnswerRead } from "./review-answers";
import { assertWithinReviewLimit, listGuestReviews, submitReview } from "./reviews";

/**
 * `POST /api/reviews` and `GET /api/reviews` (docs/api.md), and the answer home shows
 * (`GET /api/reviews/answer`, `POST /api/reviews/answer/read`: review-answers.ts). The rate limit comes right after
 * authentication, before the body is read, so a guest over the limit gets 429 whatever they send.
 */
export function reviewRoutes(
  group: RouteGroup<GuestEnv>,
  deps: { db: Database; onReviewStored?: () => void },
) {
  const rateLimit = createMiddleware<GuestEnv>(async (c, next) => {
    await assertWithinReviewLimit(deps.db, c.get("launch").user.id);
    await next();
  });

  const list = group.route({
    method: "get",
    path: "/",
    summary: "The guest's own reviews, newest first, with the managers' replies",
    responses: { 200: jsonResponse("The guest's reviews", guestReviewsResponseSchema) },
  });
  const submit = group.route({
    method: "post",
    path: "/",
    summary: "Send a review to the managers' chat",
    description:
      "Stored before the answer; delivered to the managers' chat afterwards, with retries. At most 5 reviews from one guest within an hour.",
    middleware: [rateLimit] as const,
    request: { body: jsonRequestBody(reviewRequestSchema) },
    responses: { 202: jsonResponse("Stored, and on its way to the managers", reviewAcceptedResponseSchema) },
    // A review without a shared phone is a 403, unlike registration's 409 (ReviewPhoneRequiredError).
    errors: [{ code: "phone_required", status: 403 }, "too_many_requests"],
  });
  const answer = group.route({
    method: "get",
    path: "/answer",
    summary: "The restaurant's answer to the guest's latest review, until the guest marks it read",
    description:
      "The managers' replies to the guest's latest review that the guest has not marked read, oldest first; `answer` is null when there are none. `GET /api/me` says whether there is one (`reviewAnswerUnread`).",
    responses: { 200: jsonResponse("The answer, or null", reviewAnswerResponseSchema) },
  });
  const markAnswerRead = group.route({
    method: "post",
    path: "/answer/read",
    summary: "Mark the answer read: home stops showing it, on every device",
    description:
      "`replyIds`: the replies the guest saw (from `GET /api/reviews/answer`). A reply that arrived since stays unread, and the answer shows again with it. Answers what is left to show. `404 not_found` when an id is not a manager's reply to one of the guest's reviews; nothing is marked then.",
    request: { body: jsonRequestBody(reviewAnswerReadRequestSchema) },
    responses: { 200: jsonResponse("What is left to show, or null", reviewAnswerResponseSchema) },
    errors: ["not_found"],
  });
  return group
    .routes()
    .openapi(list, async (c) => {
      const body: GuestReviewsResponse = {
        reviews: await listGuestReviews(deps.db, c.get("launch").user.id),
      };
      return c.json(body, 200);
    })
    .openapi(submit, async (c) => {
      const id = await submitReview(deps.db, c.get("launch").user, c.req.valid("json"));
      // Stored and committed: the guest may be told "sent". Delivery starts now rather than at the next poll.
      deps.onReviewStored?.();
      const body: ReviewAcceptedResponse = { id };
      return c.json(body, 202);
    })
    .openapi(answer, async (c) => {
      const body: ReviewAnswerResponse = {
        answer: await loadReviewAnswer(deps.db, c.get("launch").user.id),
      };
      return c.json(body, 200);
    })
    .openapi(markAnswerRead, async (c) => {
      const { replyIds } = c.req.valid("json");
      const body: ReviewAnswerResponse = {
        answer: await markReviewAnswerRead(deps.db, c.get("launch").user.id, replyIds),
      };
      return c.json(body, 200);
    });
}
