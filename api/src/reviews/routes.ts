import {
  type GuestReviewsResponse,
  type ReviewAcceptedResponse,
  reviewRequestSchema,
} from "@guestcard/shared";
import { Hono } from "hono";
import { createMiddleware } from "hono/factory";
import type { Database } from "../db/client";
import { jsonBody } from "../http/validation";
import type { GuestVariables } from "../telegram/init-data-auth";
import { assertWithinReviewLimit, listGuestReviews, submitReview } from "./reviews";

/**
 * `POST /api/reviews` and `GET /api/reviews` (CONTRACT.md). Authentication is applied where the API
 * is assembled; the rate limit comes next, before the body is read, so a guest over the limit gets
 * 429 whatever they send (CONTRACT.md's order of checks).
 */
export function reviewRoutes(deps: { db: Database; onReviewStored?: () => void }) {
  const rateLimit = createMiddleware<{ Variables: GuestVariables }>(async (c, next) => {
    await assertWithinReviewLimit(deps.db, c.get("launch").user.id);
    await next();
  });

  return new Hono<{ Variables: GuestVariables }>()
    .get("/", async (c) => {
      const body: GuestReviewsResponse = {
        reviews: await listGuestReviews(deps.db, c.get("launch").user.id),
      };
      return c.json(body, 200);
    })
    .post("/", rateLimit, jsonBody(reviewRequestSchema), async (c) => {
      const id = await submitReview(deps.db, c.get("launch").user, c.req.valid("json"));
      // Stored and committed: the guest may be told "sent". Delivery starts now rather than at the next poll.
      deps.onReviewStored?.();
      const body: ReviewAcceptedResponse = { id };
      return c.json(body, 202);
    });
}
