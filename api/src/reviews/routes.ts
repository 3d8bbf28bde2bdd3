import {
  type GuestReviewsResponse,
  guestReviewsResponseSchema,
  type ReviewAcceptedResponse,
  reviewAcceptedResponseSchema,
  reviewRequestSchema,
} from "@guestcard/shared";
import { createMiddleware } from "hono/factory";
import type { Database } from "../db/client";
import type { GuestEnv, RouteGroup } from "../http/route-groups";
import { jsonRequestBody, jsonResponse } from "../http/route-schema";
import { assertWithinReviewLimit, listGuestReviews, submitReview } from "./reviews";

/**
 * `POST /api/reviews` and `GET /api/reviews` (docs/api.md). The rate limit comes right after
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
    });
}
