import { type CardResponse, type ErrorEnvelope, withDammCheckDigit } from "@guestcard/shared";
import { count, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestContext, expectStatus, guest, type TestContext } from "../../test/test-app";
import { testDatabaseKind } from "../../test/test-database";
import { registerGuests } from "../card/card-test-fixtures";
import { cardIdentifications } from "../db/schema";

const keys = "till-1:secret-till-1,till-2:secret-till-2,kiosk:k:with:colons";

describe("POS API key", () => {
  let context: TestContext;
  beforeAll(async () => {
    context = await createTestContext({ POS_API_KEYS: keys });
  });
  afterAll(() => context.close());

  const unknownPin = withDammCheckDigit("10000");

  it("refuses anything but a configured key as a Bearer token with 401, and records nothing", async () => {
    const identifications = async () =>
      (await context.database.db.select({ n: count() }).from(cardIdentifications))[0]?.n;
    const recordedBefore = await identifications();
    const attempts: Record<string, string | undefined> = {
      missing: undefined,
      empty: "",
      "bare secret": "secret-till-1",
      "basic scheme": `Basic ${Buffer.from("till-1:secret-till-1").toString("base64")}`,
      "guest scheme": "tma secret-till-1",
      "terminal name": "Bearer till-1",
      "name:secret pair": "Bearer till-1:secret-till-1",
      "a prefix of a secret": "Bearer secret-till",
      "a secret with more after it": "Bearer secret-till-1x",
      "two tokens": "Bearer secret-till-1 secret-till-2",
      "upper-cased secret": "Bearer SECRET-TILL-1",
      "a secret with a NUL": "Bearer secret-till-1\u0000",
    };
    for (const [what, header] of Object.entries(attempts)) {
      const headers: Record<string, string> = header === undefined ? {} : { authorization: header };
      let response: Response;
      try {
        response = await context.request("/api/pos/identify", { json: { code: unknownPin }, headers });
      } catch {
        continue; // A header the Fetch API itself refuses (NUL) never reaches us: fine.
      }
      const body = await expectStatus<ErrorEnvelope>(response, 401);
      expect(body.error.code, what).toBe("unauthorized");
      expect(response.headers.get("www-authenticate"), what).toMatch(/^Bearer/);
    }
    expect(await identifications(), "401s are not attributed to any terminal").toBe(recordedBefore);
  });

  it("accepts each configured key, case-insensitive scheme, a secret containing colons", async () => {
    for (const header of ["Bearer secret-till-1", "bearer secret-till-2", "BEARER k:with:colons"]) {
      const response = await context.request("/api/pos/identify", {
        json: { code: unknownPin },
        headers: { authorization: header },
      });
      expect((await expectStatus<ErrorEnvelope>(response, 404)).error.code, header).toBe("code_not_found");
    }
  });

  it("checks the key before the body: an anonymous oversized or broken body is 401", async () => {
    const huge = await context.request("/api/pos/identify", { json: { code: "1".repeat(70 * 1024) } });
    expect(huge.status).toBe(401);
    const broken = await context.request("/api/pos/identify", {
      body: "{",
      headers: { "content-type": "application/json" },
    });
    expect(broken.status).toBe(401);
  });

  it("is not the guest's key: Mini App initData opens no till", async () => {
    const response = await context.request("/api/pos/identify", { as: guest(1), json: { code: unknownPin } });
    expect(response.status).toBe(401);
  });

  it("answers 401 to every key when POS_API_KEYS is unset", async () => {
    const bare = await createTestContext();
    try {
      for (const header of ["Bearer ", "Bearer secret-till-1", "Bearer undefined"]) {
        const response = await bare.request("/api/pos/identify", {
          json: { code: unknownPin },
          headers: { authorization: header },
        });
        expect(response.status, header).toBe(401);
      }
    } finally {
      await bare.close();
    }
  });
});

describe(`POS miss limit (${testDatabaseKind})`, () => {
  let context: TestContext;
  beforeAll(async () => {
    context = await createTestContext({ POS_API_KEYS: keys });
  });
  afterAll(() => context.close());

  const identify = (code: unknown, secret: string) =>
    context.request("/api/pos/identify", { json: { code }, headers: { authorization: `Bearer ${secret}` } });

  /** Moves a terminal's recorded attempts back in time, as if the minute had passed. */
  const age = (terminal: string, seconds: number) =>
    context.database.db
      .update(cardIdentifications)
      .set({ at: sql`${cardIdentifications.at} - make_interval(secs => ${seconds})` })
      .where(eq(cardIdentifications.terminal, terminal));

  it("blocks a terminal after 10 misses in a minute — even a correct code — and releases it when they age out", async () => {
    const [guestOne] = await registerGuests(context.database.db, 1, { firstTelegramId: 70_001 });
    const card = await expectStatus<CardResponse>(
      await context.request("/api/card", { method: "POST", as: guestOne!.user }),
      201,
    );

    // 404s and 422s both count; successes do not.
    for (let miss = 0; miss < 5; miss++)
      await expectStatus(await identify(withDammCheckDigit(`2000${miss}`), "secret-till-1"), 404);
    await expectStatus(await identify(card.pin, "secret-till-1"), 200);
    for (let miss = 0; miss < 5; miss++)
      await expectStatus(await identify(`bad${miss}`, "secret-till-1"), 422);

    const blocked = await identify(card.pin, "secret-till-1");
    const body = await expectStatus<ErrorEnvelope>(blocked, 429);
    expect(body.error.code).toBe("too_many_attempts");
    const retryAfter = Number(blocked.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(55);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(body.error.params).toEqual({ retryAfterSeconds: retryAfter });
    // While blocked, the body's own mistakes are not even looked at.
    expect((await identify("bad", "secret-till-1")).status).toBe(429);
    const broken = await context.request("/api/pos/identify", {
      body: "{",
      headers: { authorization: "Bearer secret-till-1", "content-type": "application/json" },
    });
    expect(broken.status).toBe(429);

    // Another terminal is not affected.
    await expectStatus(await identify(card.code, "secret-till-2"), 200);

    // 50 seconds later the first miss is 10 s from leaving the window.
    await age("till-1", 50);
    const later = await identify(card.pin, "secret-till-1");
    expect(later.status).toBe(429);
    const laterRetry = Number(later.headers.get("retry-after"));
    expect(laterRetry).toBeGreaterThanOrEqual(5);
    expect(laterRetry).toBeLessThanOrEqual(10);

    // The blocked attempts were recorded, and did not extend the block.
    await age("till-1", 11);
    await expectStatus(await identify(card.pin, "secret-till-1"), 200);
    const outcomes = await context.database.db
      .select({ outcome: cardIdentifications.outcome, n: count() })
      .from(cardIdentifications)
      .where(eq(cardIdentifications.terminal, "till-1"))
      .groupBy(cardIdentifications.outcome);
    expect(Object.fromEntries(outcomes.map((row) => [row.outcome, row.n]))).toEqual({
      not_found: 5,
      invalid_code: 5,
      identified: 2,
      rate_limited: 4,
    });
  });

  it("holds when 40 misses arrive at once: no more than 10 are looked at", async () => {
    const attempts = await Promise.all(
      Array.from({ length: 40 }, (_, index) =>
        identify(withDammCheckDigit(String(30_000 + index)), "k:with:colons"),
      ),
    );
    const statuses = attempts.map((response) => response.status);
    expect(statuses.filter((status) => status === 404)).toHaveLength(10);
    expect(statuses.filter((status) => status === 429)).toHaveLength(30);
    const [misses] = await context.database.db
      .select({ n: count() })
      .from(cardIdentifications)
      .where(sql`${cardIdentifications.terminal} = 'kiosk' and ${cardIdentifications.outcome} = 'not_found'`);
    expect(misses?.n).toBe(10);
  });
});

describe("what a till learns", () => {
  let context: TestContext;
  beforeAll(async () => {
    context = await createTestContext({ POS_API_KEYS: keys });
  });
  afterAll(() => context.close());

  it("never the full phone, the birthday, the e-mail, the Telegram id or the card's PIN", async () => {
    const [guestOne] = await registerGuests(context.database.db, 1, { firstTelegramId: 80_001 });
    const card = await expectStatus<CardResponse>(
      await context.request("/api/card", { method: "POST", as: guestOne!.user }),
      201,
    );
    for (const code of [card.pin, card.code]) {
      const response = await context.request("/api/pos/identify", {
        json: { code },
        headers: { authorization: "Bearer secret-till-1" },
      });
      const text = await response.text();
      expect(response.status, text).toBe(200);
      const digitsOnly = text.replace(/\D/g, "");
      expect(digitsOnly).not.toContain(guestOne!.phone.slice(1));
      expect(digitsOnly).not.toContain(guestOne!.phone.slice(2, 8));
      expect(text).not.toContain("1990-05-31");
      expect(text).not.toContain("@example.com");
      expect(text).not.toContain(String(guestOne!.user.id));
      expect(text).not.toContain(card.code);
      expect(text).not.toMatch(new RegExp(`"${card.pin}"`));
      expect(Object.keys(JSON.parse(text)).sort()).toEqual(["account", "card", "identification", "loyalty"]);
    }
  });
});
