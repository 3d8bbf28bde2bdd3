import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestContext, expectStatus, guest, type TestContext } from "../test/test-app";
import { accounts, telegramUsers } from "./db/schema";
import { acceptVerifiedPhone } from "./guests/guests";

describe("createApp", () => {
  let context: TestContext;
  const webRoot = mkdtempSync(join(tmpdir(), "guestcard-web-"));
  writeFileSync(join(webRoot, "index.html"), "<!doctype html><title>Guestcard</title><div id=root></div>");

  beforeAll(async () => {
    context = await createTestContext({}, { webRoot });
  });
  afterAll(() => context.close());

  it("answers /health once the database answers", async () => {
    expect(await expectStatus(await context.request("/health"), 200)).toEqual({ ok: true });
  });

  it("serves the Mini App at / and falls back to it for client-side routes", async () => {
    for (const path of ["/", "/cashier", "/some/deep/route"]) {
      const response = await context.request(path);
      expect(response.status, path).toBe(200);
      expect(await response.text()).toContain("<title>Guestcard</title>");
    }
  });

  it("answers unknown /api paths with 404 not_found in the envelope", async () => {
    for (const method of ["GET", "POST", "DELETE"]) {
      const body = await expectStatus<{ error: { code: string } }>(
        await context.request("/api/no-such-thing", { method }),
        404,
      );
      expect(body.error.code).toBe("not_found");
    }
  });

  it("checks who is calling before the size, however large the body: 401 first, 413 for a known caller", async () => {
    // Over the 21 MB memory guard, with its length declared: the old guard answered 413 to anyone.
    const huge = "x".repeat(22 * 1024 * 1024);
    const anonymousImport = await context.request("/api/manager/accounts/import", {
      method: "POST",
      headers: { "content-type": "text/csv" },
      body: huge,
    });
    expect(anonymousImport.status).toBe(401);
    const wrongKey = await context.request("/api/pos/identify", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer not-a-till-key" },
      body: huge,
    });
    expect(wrongKey.status).toBe(401);
    const guestReview = await context.request("/api/reviews", {
      as: guest(7002),
      method: "POST",
      headers: { "content-type": "application/json" },
      body: huge,
    });
    expect((await expectStatus<{ error: { code: string } }>(guestReview, 413)).error.code).toBe(
      "payload_too_large",
    );
  });

  it("answers malformed JSON with 400 bad_request and oversized bodies with 413", async () => {
    const alice = guest(7001);
    const malformed = await context.request("/api/demo/share-phone", {
      as: alice,
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{not json",
    });
    // The demo API only exists in demo mode; use a demo app for body checks.
    expect(malformed.status).toBe(404);

    const demo = await createTestContext({}, { demo: true });
    try {
      const bad = await demo.request("/api/demo/share-phone", {
        as: alice,
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{not json",
      });
      expect((await expectStatus<{ error: { code: string } }>(bad, 400)).error.code).toBe("bad_request");

      const huge = await demo.request("/api/demo/share-phone", {
        as: alice,
        json: { phone: "x".repeat(70 * 1024) },
      });
      expect((await expectStatus<{ error: { code: string } }>(huge, 413)).error.code).toBe(
        "payload_too_large",
      );

      // Authentication is checked before size: an oversized anonymous body is a 401.
      const anonymousHuge = await demo.request("/api/demo/share-phone", {
        json: { phone: "x".repeat(70 * 1024) },
      });
      expect(anonymousHuge.status).toBe(401);

      const invalid = await demo.request("/api/demo/share-phone", {
        as: alice,
        json: { phone: "not a phone" },
      });
      const invalidBody = await expectStatus<{ error: { code: string; fields: Record<string, string> } }>(
        invalid,
        422,
      );
      expect(invalidBody.error.fields.phone).toBeTruthy();
    } finally {
      await demo.close();
    }
  });
});

describe("GET /api/me", () => {
  let context: TestContext;
  beforeAll(async () => {
    context = await createTestContext({ ADMIN_TELEGRAM_IDS: "9001" });
  });
  afterAll(() => context.close());

  it("says needs_phone for a user who never shared a phone, and remembers their profile", async () => {
    const bob = guest(8001, "Bob", "ru");
    const body = await expectStatus<Record<string, unknown>>(
      await context.request("/api/me", { as: bob }),
      200,
    );
    expect(body).toMatchObject({
      status: "needs_phone",
      phone: null,
      account: null,
      isManager: false,
      user: { id: 8001, firstName: "Bob", languageCode: "ru" },
    });
    const [stored] = await context.database.db.select().from(telegramUsers).where(eq(telegramUsers.id, 8001));
    expect(stored?.firstName).toBe("Bob");
  });

  it("says needs_registration once a phone with no account is shared", async () => {
    const carol = guest(8002, "Carol");
    await acceptVerifiedPhone(
      context.database.db,
      { ...carol, lastName: null, username: null, languageCode: "en" },
      "+79001112233",
    );
    const body = await expectStatus(await context.request("/api/me", { as: carol }), 200);
    expect(body).toMatchObject({ status: "needs_registration", phone: "+79001112233", account: null });
  });

  it("links a known guest whose account was imported after they shared the phone", async () => {
    const dave = guest(8003, "Dave");
    await acceptVerifiedPhone(
      context.database.db,
      { ...dave, lastName: null, username: null, languageCode: "en" },
      "+79001112244",
    );
    await context.database.db
      .insert(accounts)
      .values({ phone: "+79001112244", lastName: "Smith", firstName: "David", origin: "import" });
    const body = await expectStatus(await context.request("/api/me", { as: dave }), 200);
    expect(body).toMatchObject({
      status: "registered",
      account: { firstName: "David", phone: "+79001112244" },
    });
  });

  it("never moves an account linked to another Telegram user: phone_conflict", async () => {
    // The account's holder: their phone, their imported account, linked when they opened the app.
    const erin = guest(8005, "Erin");
    await acceptVerifiedPhone(
      context.database.db,
      { ...erin, lastName: null, username: null, languageCode: "en" },
      "+79001112255",
    );
    await context.database.db
      .insert(accounts)
      .values({ phone: "+79001112255", lastName: "Jones", firstName: "Erin", origin: "import" });
    expect(await expectStatus(await context.request("/api/me", { as: erin }), 200)).toMatchObject({
      status: "registered",
    });

    const intruder = guest(8004, "Mallory");
    await acceptVerifiedPhone(
      context.database.db,
      { ...intruder, lastName: null, username: null, languageCode: "en" },
      "+79001112255",
    );
    const body = await expectStatus(await context.request("/api/me", { as: intruder }), 200);
    expect(body).toMatchObject({ status: "phone_conflict", account: null });
    const [holder] = await context.database.db.select().from(telegramUsers).where(eq(telegramUsers.id, 8005));
    expect(holder?.accountId).toBeTruthy();
  });

  it("tells a manager listed in ADMIN_TELEGRAM_IDS that they are one", async () => {
    const body = await expectStatus(await context.request("/api/me", { as: guest(9001, "Manager") }), 200);
    expect(body).toMatchObject({ isManager: true });
  });
});
