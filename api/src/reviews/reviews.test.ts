import { type ErrorEnvelope, reviewsPerHourLimit } from "@guestcard/shared";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestContext, expectStatus, guest, type TestContext } from "../../test/test-app";
import { outboxJobs, reviewReplies, reviews } from "../db/schema";
import { acceptVerifiedPhone } from "../guests/guests";
import { reviewJobKinds } from "./reviews";

type ReviewsBody = {
  reviews: Array<{
    id: string;
    text: string;
    rating: number | null;
    delivered: boolean;
    answered: boolean;
    replies: Array<{ author: string; text: string }>;
  }>;
};

describe("POST /api/reviews and GET /api/reviews", () => {
  let context: TestContext;

  beforeAll(async () => {
    context = await createTestContext();
  });
  afterAll(() => context.close());

  const withPhone = async (id: number) => {
    const user = guest(id);
    await acceptVerifiedPhone(
      context.database.db,
      { id, firstName: user.firstName, lastName: "Tester", username: `guest${id}`, languageCode: "en" },
      `+7999${String(id).padStart(7, "0")}`,
    );
    return user;
  };

  it("stores the review and its delivery job, and answers 202 with the id", async () => {
    const ann = await withPhone(8001);
    const body = await expectStatus<{ id: string }>(
      await context.request("/api/reviews", { as: ann, json: { text: "  Lovely soup  ", rating: 5 } }),
      202,
    );
    const [stored] = await context.database.db.select().from(reviews).where(eq(reviews.id, body.id));
    expect(stored).toMatchObject({ telegramUserId: 8001, text: "Lovely soup", rating: 5, deliveredAt: null });
    const jobs = await context.database.db
      .select()
      .from(outboxJobs)
      .where(sql`${outboxJobs.payload} ->> 'reviewId' = ${body.id}`);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ kind: reviewJobKinds.deliverReview, status: "pending", attempts: 0 });
  });

  it("accepts a review without a rating, and a null rating", async () => {
    const bob = await withPhone(8002);
    for (const json of [{ text: "No stars" }, { text: "Null stars", rating: null }]) {
      const { id } = await expectStatus<{ id: string }>(
        await context.request("/api/reviews", { as: bob, json }),
        202,
      );
      const [stored] = await context.database.db.select().from(reviews).where(eq(reviews.id, id));
      expect(stored?.rating).toBeNull();
    }
  });

  it("answers 422 with fields for an empty, blank or too long text and a bad rating", async () => {
    const cat = await withPhone(8003);
    const cases: Array<[unknown, Record<string, string>]> = [
      [{}, { text: "required" }],
      [{ text: "   \n " }, { text: "required" }],
      [{ text: "x".repeat(4001) }, { text: "too long (4000 characters at most)" }],
      [{ text: "ok", rating: 0 }, { rating: "a whole number from 1 to 5" }],
      [{ text: "ok", rating: 6 }, { rating: "a whole number from 1 to 5" }],
      [{ text: "ok", rating: 4.5 }, { rating: "a whole number from 1 to 5" }],
      [{ text: "ok", rating: "5" }, { rating: "a whole number from 1 to 5" }],
      [{ text: 42 }, { text: "required" }],
    ];
    for (const [json, fields] of cases) {
      const error = await expectStatus<ErrorEnvelope>(
        await context.request("/api/reviews", { as: cat, json }),
        422,
      );
      expect(error.error.code, JSON.stringify(json)).toBe("validation_failed");
      expect(error.error.fields, JSON.stringify(json)).toEqual(fields);
      expect(Object.keys(error.error.fieldErrors ?? {})).toEqual(Object.keys(fields));
    }
    const badRating = await expectStatus<ErrorEnvelope>(
      await context.request("/api/reviews", { as: cat, json: { text: "ok", rating: 6 } }),
      422,
    );
    expect(badRating.error.fieldErrors).toEqual({
      rating: { code: "out_of_range", params: { min: 1, max: 5 } },
    });
    // Exactly 4000 characters is fine (counted as a textarea counts them).
    await expectStatus(
      await context.request("/api/reviews", { as: cat, json: { text: "é".repeat(4000) } }),
      202,
    );
  });

  it("answers 403 phone_required before a phone is shared, after validating the body", async () => {
    const stranger = guest(8004);
    const refused = await expectStatus<ErrorEnvelope>(
      await context.request("/api/reviews", { as: stranger, json: { text: "Hello" } }),
      403,
    );
    expect(refused.error.code).toBe("phone_required");
    // A wrong body is a 422 even without a phone: field validation comes before the caller's state.
    const invalid = await context.request("/api/reviews", { as: stranger, json: { text: "" } });
    expect(invalid.status).toBe(422);
    expect(await context.database.db.$count(reviews, eq(reviews.telegramUserId, 8004))).toBe(0);
  });

  it("answers 400 for malformed JSON and 413 for a body over 64 KiB", async () => {
    const dan = await withPhone(8005);
    const malformed = await context.request("/api/reviews", {
      as: dan,
      headers: { "content-type": "application/json" },
      body: "{text:",
    });
    expect((await expectStatus<ErrorEnvelope>(malformed, 400)).error.code).toBe("bad_request");
    const huge = await context.request("/api/reviews", { as: dan, json: { text: "x".repeat(70 * 1024) } });
    expect((await expectStatus<ErrorEnvelope>(huge, 413)).error.code).toBe("payload_too_large");
  });

  it("answers 401 without valid initData, for both methods", async () => {
    for (const method of ["GET", "POST"]) {
      const response = await context.request("/api/reviews", {
        method,
        ...(method === "POST" ? { json: { text: "hi" } } : {}),
      });
      expect((await expectStatus<ErrorEnvelope>(response, 401)).error.code).toBe("unauthorized");
    }
    const forged = await context.request("/api/reviews", {
      headers: { authorization: `tma ${context.initData(guest(8006)).replace(/hash=\w+/, "hash=00")}` },
    });
    expect(forged.status).toBe(401);
  });

  it(`allows ${reviewsPerHourLimit} reviews an hour, then answers 429 with Retry-After, before reading the body`, async () => {
    const eve = await withPhone(8007);
    for (let index = 1; index <= reviewsPerHourLimit; index++) {
      await expectStatus(
        await context.request("/api/reviews", { as: eve, json: { text: `Review ${index}` } }),
        202,
      );
    }
    const limited = await context.request("/api/reviews", { as: eve, json: { text: "One more" } });
    const body = await expectStatus<ErrorEnvelope>(limited, 429);
    expect(body.error.code).toBe("too_many_requests");
    const retryAfter = Number(limited.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(3500);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    expect(body.error.params).toEqual({ retryAfterSeconds: retryAfter });

    // Rate limit before body size and syntax (docs/api.md, the order of checks).
    const malformed = await context.request("/api/reviews", {
      as: eve,
      headers: { "content-type": "application/json" },
      body: "{",
    });
    expect(malformed.status).toBe(429);
    const huge = await context.request("/api/reviews", { as: eve, json: { text: "x".repeat(70 * 1024) } });
    expect(huge.status).toBe(429);
    // ...but after authentication.
    expect((await context.request("/api/reviews", { json: { text: "x" } })).status).toBe(401);
    expect(await context.database.db.$count(reviews, eq(reviews.telegramUserId, eve.id))).toBe(
      reviewsPerHourLimit,
    );

    // Reviews older than an hour stop counting.
    await context.database.db
      .update(reviews)
      .set({ createdAt: sql`now() - interval '61 minutes'` })
      .where(eq(reviews.text, "Review 1"));
    await expectStatus(await context.request("/api/reviews", { as: eve, json: { text: "Next hour" } }), 202);
    expect((await context.request("/api/reviews", { as: eve, json: { text: "Again" } })).status).toBe(429);
  });

  it("holds the limit when many reviews arrive at once", async () => {
    const fay = await withPhone(8008);
    const statuses = await Promise.all(
      Array.from({ length: 12 }, async (_, index) => {
        const response = await context.request("/api/reviews", { as: fay, json: { text: `Burst ${index}` } });
        return response.status;
      }),
    );
    expect(statuses.filter((status) => status === 202)).toHaveLength(reviewsPerHourLimit);
    expect(statuses.filter((status) => status === 429)).toHaveLength(12 - reviewsPerHourLimit);
    expect(await context.database.db.$count(reviews, eq(reviews.telegramUserId, fay.id))).toBe(
      reviewsPerHourLimit,
    );
  });

  it("lists the guest's own reviews, newest first, with delivery and answers", async () => {
    const gus = await withPhone(8009);
    const other = await withPhone(8010);
    const first = await expectStatus<{ id: string }>(
      await context.request("/api/reviews", { as: gus, json: { text: "First", rating: 3 } }),
      202,
    );
    await expectStatus(
      await context.request("/api/reviews", { as: other, json: { text: "Not yours" } }),
      202,
    );
    const second = await expectStatus<{ id: string }>(
      await context.request("/api/reviews", { as: gus, json: { text: "Second" } }),
      202,
    );
    await context.database.db
      .update(reviews)
      .set({ createdAt: sql`now() - interval '1 minute'`, deliveredAt: sql`now()` })
      .where(eq(reviews.id, first.id));
    await context.database.db.insert(reviewReplies).values([
      {
        reviewId: first.id,
        author: "manager",
        authorTelegramId: 77,
        text: "Thank you!",
        sourceChatId: -100,
        sourceMessageId: 5,
      },
      {
        reviewId: first.id,
        author: "guest",
        authorTelegramId: gus.id,
        text: "You are welcome",
        sourceChatId: gus.id,
        sourceMessageId: 9,
      },
    ]);

    const listed = await expectStatus<ReviewsBody>(await context.request("/api/reviews", { as: gus }), 200);
    expect(listed.reviews.map((review) => review.id)).toEqual([second.id, first.id]);
    expect(listed.reviews[0]).toMatchObject({
      text: "Second",
      rating: null,
      delivered: false,
      answered: false,
      replies: [],
    });
    expect(listed.reviews[1]).toMatchObject({
      text: "First",
      rating: 3,
      delivered: true,
      answered: true,
      replies: [
        { author: "manager", text: "Thank you!" },
        { author: "guest", text: "You are welcome" },
      ],
    });
    const none = await expectStatus<ReviewsBody>(
      await context.request("/api/reviews", { as: guest(8011) }),
      200,
    );
    expect(none.reviews).toEqual([]);
  });
});
