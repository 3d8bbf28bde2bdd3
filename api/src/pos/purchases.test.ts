import { randomUUID } from "node:crypto";
import type {
  CardResponse,
  ErrorEnvelope,
  LoyaltyProgramme,
  LoyaltyResponse,
  PointsAdjustmentResponse,
  PosIdentifyResponse,
  ProgrammeFigures,
  PurchaseResponse,
  RefundResponse,
  TillPurchaseListResponse,
} from "@guestcard/shared";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeBotApi } from "../../test/fake-bot-api";
import { createTestContext, expectStatus, guest, type TestContext } from "../../test/test-app";
import { testDatabaseKind } from "../../test/test-database";
import { registerGuests } from "../card/card-test-fixtures";
import { loyaltyMovements, loyaltyPurchases, outboxJobs, telegramUsers } from "../db/schema";
import { adjustPoints } from "../loyalty/adjustments";
import { ageIdentifications, pointsOf } from "../loyalty/loyalty-test-kit";
import { pointsMessageJobKind } from "../loyalty/points-message";

const tillKey = "purchases-till-secret";
const barKey = "purchases-bar-secret";
const managerId = 4242;
const manager = guest(managerId, "Manager");

describe(`points over HTTP: the till, the guest, the managers (${testDatabaseKind})`, () => {
  let context: TestContext;
  let nextTelegramId = 81_000;
  const db = () => context.database.db;

  beforeAll(async () => {
    context = await createTestContext({
      POS_API_KEYS: `till1:${tillKey},bar:${barKey}`,
      ADMIN_TELEGRAM_IDS: String(managerId),
      // The card lives 2 s; the identification made from it 12 h (IDENTIFICATION_TTL_SECONDS's default).
      CARD_TTL_SECONDS: "2",
    });
  });
  afterAll(() => context.close());

  const till = (key = tillKey) => ({ authorization: `Bearer ${key}` });

  /** A registered guest whose card was read at the till: the guest and identify's answer. */
  const identifiedGuest = async (options: { points?: number } = {}) => {
    const [registered] = await registerGuests(db(), 1, { firstTelegramId: nextTelegramId++ });
    const { user, accountId } = registered!;
    if (options.points) {
      await adjustPoints(db(), { accountId, points: options.points, reason: "test", managerTelegramId: 1 });
    }
    const card = await expectStatus<CardResponse>(
      await context.request("/api/card", { method: "POST", as: user }),
      201,
    );
    const identified = await expectStatus<PosIdentifyResponse>(
      await context.request("/api/pos/identify", { headers: till(), json: { code: card.pin } }),
      200,
    );
    return { user, accountId, card, identified, identificationId: identified.identification.id };
  };

  /** `key` null: no Idempotency-Key header at all. */
  const postPurchase = (body: unknown, key: string | null = randomUUID(), tillSecret = tillKey) =>
    context.request("/api/pos/purchases", {
      headers: { ...till(tillSecret), ...(key === null ? {} : { "idempotency-key": key }) },
      json: body,
    });
  const postRefund = (purchaseId: string, key: string | null = randomUUID()) =>
    context.request(`/api/pos/purchases/${purchaseId}/refund`, {
      method: "POST",
      headers: { ...till(), ...(key === null ? {} : { "idempotency-key": key }) },
    });
  const errorCode = async (response: Response, status: number) =>
    (await expectStatus<ErrorEnvelope>(response, status)).error.code;

  describe("POST /api/pos/purchases", () => {
    it("closes a bill: 201 with the contract's shape, and identify showed what the cashier needs", async () => {
      const { identified, identificationId, accountId } = await identifiedGuest({ points: 150 });
      expect(identified.loyalty).toEqual({
        balance: 150,
        tier: "Standard",
        earnPercent: 5,
        maxRedeemPercent: 30,
      });
      const response = await postPurchase({ identificationId, checkId: "H-1", total: 125_050, redeem: 30 });
      expect(response.headers.get("content-type")).toMatch(/^application\/json/);
      expect(response.headers.get("idempotent-replayed")).toBeNull();
      const body = await expectStatus<PurchaseResponse>(response, 201);
      // paid = 125050 − 3000 = 122050; earned = ⌊122050 × 5 / 10000⌋ = 61; 150 − 30 + 61 = 181.
      expect(body).toEqual({
        purchase: {
          id: expect.stringMatching(/^[0-9a-f-]{36}$/),
          checkId: "H-1",
          total: 125_050,
          redeemed: 30,
          paid: 122_050,
          earned: 61,
          at: expect.stringMatching(/Z$/),
          terminal: "till1",
        },
        balance: 181,
      });
      expect(await pointsOf(db(), accountId)).toMatchObject({ balanceRow: 181, ledgerSum: 181 });
    });

    it("answers a replay byte for byte with the same status, changes nothing, and says it is a replay", async () => {
      const { identificationId, accountId } = await identifiedGuest({ points: 20 });
      const key = `bill-${randomUUID()}`;
      const first = await postPurchase({ identificationId, checkId: "H-2", total: 10_000, redeem: 10 }, key);
      const firstText = await first.text();
      expect(first.status, firstText).toBe(201);
      // The same request with other spacing and key order is the same request.
      const again = await context.request("/api/pos/purchases", {
        headers: { ...till(), "idempotency-key": key, "content-type": "application/json" },
        body: `{ "redeem": 10,  "total": 10000, "checkId": "H-2", "identificationId": "${identificationId}" }`,
      });
      expect(again.status).toBe(201);
      expect(again.headers.get("idempotent-replayed")).toBe("true");
      expect(await again.text()).toBe(firstText);
      expect(await db().$count(loyaltyPurchases, eq(loyaltyPurchases.accountId, accountId))).toBe(1);
      // A stored refusal is replayed too: the first answer again, even once the guest could afford it.
      const refusedKey = randomUUID();
      const refused = await postPurchase(
        { identificationId, checkId: "H-2b", total: 100_000, redeem: 100 },
        refusedKey,
      );
      const refusedText = await refused.text();
      expect(refused.status).toBe(409);
      await adjustPoints(db(), { accountId, points: 500, reason: "test", managerTelegramId: 1 });
      const refusedAgain = await postPurchase(
        { identificationId, checkId: "H-2b", total: 100_000, redeem: 100 },
        refusedKey,
      );
      expect(refusedAgain.status).toBe(409);
      expect(await refusedAgain.text()).toBe(refusedText);
    });

    it("answers 409 idempotency_key_reused for the same key with another body", async () => {
      const { identificationId } = await identifiedGuest();
      const key = randomUUID();
      await expectStatus(await postPurchase({ identificationId, checkId: "H-3", total: 10_000 }, key), 201);
      expect(
        await errorCode(await postPurchase({ identificationId, checkId: "H-3", total: 10_001 }, key), 409),
      ).toBe("idempotency_key_reused");
      // The same key at another till is another bill.
      await expectStatus(
        await postPurchase({ identificationId, checkId: "H-3", total: 10_000 }, key, barKey),
        201,
      );
    });

    it("answers 422 without an Idempotency-Key or with a malformed one, and stores nothing", async () => {
      const { identificationId, accountId } = await identifiedGuest();
      for (const key of [null, "", "has space", "x".repeat(101), "a.b"]) {
        const envelope = await expectStatus<ErrorEnvelope>(
          await postPurchase({ identificationId, checkId: "H-4", total: 10_000 }, key),
          422,
        );
        expect(envelope.error.code).toBe("validation_failed");
        expect(Object.keys(envelope.error.fields ?? {})).toEqual(["idempotency-key"]);
      }
      expect(await db().$count(loyaltyPurchases, eq(loyaltyPurchases.accountId, accountId))).toBe(0);
    });

    it("answers 422 with fields for a bad body: a fraction, a negative or missing total, a fractional redeem", async () => {
      const { identificationId } = await identifiedGuest();
      for (const [body, field] of [
        [{ identificationId, checkId: "H-5", total: 100.5 }, "total"],
        [{ identificationId, checkId: "H-5", total: -1 }, "total"],
        [{ identificationId, checkId: "H-5" }, "total"],
        [{ identificationId, checkId: "H-5", total: 100, redeem: 0.5 }, "redeem"],
        [{ identificationId, checkId: "", total: 100 }, "checkId"],
      ] as const) {
        const envelope = await expectStatus<ErrorEnvelope>(await postPurchase(body), 422);
        expect(Object.keys(envelope.error.fields ?? {}), JSON.stringify(body)).toEqual([field]);
      }
    });

    it("answers 422 with fields.redeem above the bill's share, 409 insufficient_points above the balance", async () => {
      const { identificationId, accountId } = await identifiedGuest({ points: 1000 });
      // 30 % of 1,000.00 = 300.00: at most 300 points.
      const over = await expectStatus<ErrorEnvelope>(
        await postPurchase({ identificationId, checkId: "H-6", total: 100_000, redeem: 301 }),
        422,
      );
      expect(over.error.code).toBe("validation_failed");
      expect(over.error.fields?.redeem).toMatch(/300/);
      expect(
        await errorCode(
          await postPurchase({ identificationId, checkId: "H-6", total: 1_000_000, redeem: 1001 }),
          409,
        ),
      ).toBe("insufficient_points");
      expect((await pointsOf(db(), accountId)).balanceRow).toBe(1000);
      await expectStatus(
        await postPurchase({ identificationId, checkId: "H-6", total: 100_000, redeem: 300 }),
        201,
      );
    });

    it("answers 404 identification_not_found for an unknown, malformed or stale identification", async () => {
      const { identificationId, accountId } = await identifiedGuest();
      for (const id of [randomUUID(), "not-an-id"]) {
        expect(
          await errorCode(await postPurchase({ identificationId: id, checkId: "H-7", total: 100 }), 404),
        ).toBe("identification_not_found");
      }
      // 12 h and a second later (the database's clock moved back instead of waiting).
      await ageIdentifications(db(), accountId, 43_201);
      expect(await errorCode(await postPurchase({ identificationId, checkId: "H-7", total: 100 }), 404)).toBe(
        "identification_not_found",
      );
    });

    it("lets the identification outlive the card: the 2 s card expired, identify refuses it, the bill closes", async () => {
      const { identificationId, accountId, card } = await identifiedGuest();
      expect(Date.parse(card.expiresAt) - Date.parse(card.issuedAt)).toBe(2000);
      // Three seconds on: the card's times moved back rather than the test sleeping.
      await db().execute(
        sql`update cards set issued_at = issued_at - interval '3 seconds', expires_at = expires_at - interval '3 seconds'
             where account_id = ${accountId}::uuid`,
      );
      expect(
        await errorCode(
          await context.request("/api/pos/identify", { headers: till(), json: { code: card.pin } }),
          404,
        ),
      ).toBe("code_not_found");
      await expectStatus(await postPurchase({ identificationId, checkId: "H-8", total: 10_000 }), 201);
    });

    it("closes one bill for 50 simultaneous requests with the same key, and answers all 50 identically", async () => {
      const { identificationId, accountId } = await identifiedGuest({ points: 100 });
      const key = randomUUID();
      const body = { identificationId, checkId: "H-9", total: 90_000, redeem: 100 };
      const responses = await Promise.all(Array.from({ length: 50 }, () => postPurchase(body, key)));
      const texts = await Promise.all(responses.map((response) => response.text()));
      expect(responses.map((response) => response.status)).toEqual(Array(50).fill(201));
      expect(new Set(texts).size).toBe(1);
      expect(
        responses.filter((response) => response.headers.get("idempotent-replayed") === null),
      ).toHaveLength(1);
      expect(await db().$count(loyaltyPurchases, eq(loyaltyPurchases.accountId, accountId))).toBe(1);
      // 100 − 100 + ⌊(90000 − 10000) × 5 / 10000⌋ = 40
      expect(await pointsOf(db(), accountId)).toMatchObject({
        balanceRow: 40,
        ledgerSum: 40,
        lastBalanceAfter: 40,
      });
    });

    it("spends only what is there when 20 redemptions that together exceed the balance arrive at once", async () => {
      const { identificationId, accountId } = await identifiedGuest({ points: 105 });
      // Earning nothing (0 %), exactly 10 of the 20 bills of 10 points are affordable, in any order.
      await expectStatus(
        await context.request("/api/manager/loyalty/programme", {
          method: "PATCH",
          as: manager,
          json: { tiers: [{ name: "Standard", threshold: 0, earnPercent: 0 }] },
        }),
        200,
      );
      try {
        const responses = await Promise.all(
          Array.from({ length: 20 }, (_, index) =>
            postPurchase({ identificationId, checkId: `H-10-${index}`, total: 10_000, redeem: 10 }),
          ),
        );
        const bodies = await Promise.all(
          responses.map((response) => response.json() as Promise<ErrorEnvelope>),
        );
        const statuses = responses.map((response) => response.status).sort();
        expect(statuses).toEqual([...Array(10).fill(201), ...Array(10).fill(409)]);
        expect(
          bodies.filter((_, index) => responses[index]!.status === 409).map((body) => body.error.code),
        ).toEqual(Array(10).fill("insufficient_points"));
        expect(await pointsOf(db(), accountId)).toMatchObject({
          balanceRow: 5,
          ledgerSum: 5,
          lastBalanceAfter: 5,
        });
      } finally {
        await context.request("/api/manager/loyalty/programme", {
          method: "PATCH",
          as: manager,
          json: { tiers: [{ name: "Standard", threshold: 0, earnPercent: 5 }] },
        });
      }
    });
  });

  describe("POST /api/pos/purchases/{id}/refund", () => {
    it("undoes a bill in one step, replays byte for byte, refuses a second refund and an unknown bill", async () => {
      const { identificationId, accountId } = await identifiedGuest({ points: 50 });
      const bill = await expectStatus<PurchaseResponse>(
        await postPurchase({ identificationId, checkId: "H-11", total: 100_000, redeem: 50 }),
        201,
      );
      // 50 − 50 + ⌊95000 × 5 / 10000⌋ = 47; the refund gives back 50 and takes 47: +3.
      expect(bill.balance).toBe(47);
      const key = randomUUID();
      const response = await postRefund(bill.purchase.id, key);
      const text = await response.text();
      expect(response.status, text).toBe(200);
      const body = JSON.parse(text) as RefundResponse;
      expect(body).toEqual({
        refund: { purchaseId: bill.purchase.id, points: 3, at: expect.stringMatching(/Z$/) },
        balance: 50,
      });
      const again = await postRefund(bill.purchase.id, key);
      expect(again.status).toBe(200);
      expect(again.headers.get("idempotent-replayed")).toBe("true");
      expect(await again.text()).toBe(text);
      expect(await errorCode(await postRefund(bill.purchase.id), 409)).toBe("already_refunded");
      for (const id of [randomUUID(), "42"]) {
        expect(await errorCode(await postRefund(id), 404)).toBe("purchase_not_found");
      }
      expect(await errorCode(await postRefund(bill.purchase.id, null), 422)).toBe("validation_failed");
      expect(await pointsOf(db(), accountId)).toMatchObject({ balanceRow: 50, ledgerSum: 50 });
    });

    it("may take the balance below zero, and a negative balance cannot be spent", async () => {
      const { identificationId, accountId } = await identifiedGuest();
      const bill = await expectStatus<PurchaseResponse>(
        await postPurchase({ identificationId, checkId: "H-12", total: 100_000 }),
        201,
      );
      await adjustPoints(db(), { accountId, points: -50, reason: "test", managerTelegramId: 1 });
      const refunded = await expectStatus<RefundResponse>(await postRefund(bill.purchase.id), 200);
      expect(refunded.balance).toBe(-50);
      expect(
        await errorCode(
          await postPurchase({ identificationId, checkId: "H-12b", total: 100_000, redeem: 1 }),
          409,
        ),
      ).toBe("insufficient_points");
    });
  });

  describe("GET /api/pos/purchases", () => {
    it("lists this terminal's bills, newest first, with the guest's name and the refund, 50 a page", async () => {
      const { identificationId } = await identifiedGuest();
      const ids: string[] = [];
      for (let index = 0; index < 53; index++) {
        const bill = await expectStatus<PurchaseResponse>(
          await postPurchase(
            { identificationId, checkId: `L-${index}`, total: 1000 + index },
            randomUUID(),
            barKey,
          ),
          201,
        );
        ids.push(bill.purchase.id);
      }
      await expectStatus(await postPurchase({ identificationId, checkId: "elsewhere", total: 100 }), 201);
      await expectStatus(
        await context.request(`/api/pos/purchases/${ids[52]}/refund`, {
          method: "POST",
          headers: { ...till(), "idempotency-key": randomUUID() },
        }),
        200,
      );
      const first = await expectStatus<TillPurchaseListResponse>(
        await context.request("/api/pos/purchases", { headers: till(barKey) }),
        200,
      );
      expect(first.purchases.length).toBeGreaterThanOrEqual(50);
      expect(first.purchases[0]).toMatchObject({
        id: ids[52],
        checkId: "L-52",
        total: 1052,
        terminal: "bar",
        refundedAt: expect.stringMatching(/Z$/),
        guestName: "Guest0 И.",
      });
      expect(first.purchases[1]?.refundedAt).toBeNull();
      expect(first.nextBefore).toBe(first.purchases.at(-1)?.at);
      const second = await expectStatus<TillPurchaseListResponse>(
        await context.request(`/api/pos/purchases?before=${encodeURIComponent(first.nextBefore!)}`, {
          headers: till(barKey),
        }),
        200,
      );
      expect(second.nextBefore).toBeNull();
      const listed = [...first.purchases, ...second.purchases].map((purchase) => purchase.id);
      // Newest first, none skipped or repeated across the pages (an earlier test's bar bill comes last).
      expect(listed.slice(0, ids.length)).toEqual([...ids].reverse());
      expect(new Set(listed).size).toBe(listed.length);
      expect([...first.purchases, ...second.purchases].every((purchase) => purchase.terminal === "bar")).toBe(
        true,
      );
      expect(
        await errorCode(
          await context.request("/api/pos/purchases?before=yesterday", { headers: till() }),
          422,
        ),
      ).toBe("validation_failed");
    });
  });

  describe("GET /api/loyalty", () => {
    it("answers 403 registration_required before registration", async () => {
      expect(
        await errorCode(await context.request("/api/loyalty", { as: guest(nextTelegramId++) }), 403),
      ).toBe("registration_required");
    });

    it("shows balance, tier and the history newest first, paged with before", async () => {
      const { user, identificationId } = await identifiedGuest({ points: 10 });
      await expectStatus(
        await postPurchase({ identificationId, checkId: "G-1", total: 20_000, redeem: 10 }),
        201,
      );
      const page = await expectStatus<LoyaltyResponse>(
        await context.request("/api/loyalty", { as: user }),
        200,
      );
      // 10 − 10 + ⌊19000 × 5 / 10000⌋ = 9
      expect(page.balance).toBe(9);
      expect(page.tier).toMatchObject({ name: "Standard", earnPercent: 5, spent: 19_000, nextTier: null });
      expect(
        page.history.map(({ kind, points, checkId, total, balanceAfter }) => ({
          kind,
          points,
          checkId,
          total,
          balanceAfter,
        })),
      ).toEqual([
        { kind: "earn", points: 9, checkId: "G-1", total: 20_000, balanceAfter: 9 },
        { kind: "redeem", points: -10, checkId: "G-1", total: 20_000, balanceAfter: 0 },
        { kind: "adjust", points: 10, checkId: null, total: null, balanceAfter: 10 },
      ]);
      expect(page.nextBefore).toBeNull();
      const older = await expectStatus<LoyaltyResponse>(
        await context.request(`/api/loyalty?before=${encodeURIComponent(page.history[0]!.at)}`, { as: user }),
        200,
      );
      expect(older.history.map((movement) => movement.kind)).toEqual(["adjust"]);
      expect(await errorCode(await context.request("/api/loyalty?before=soon", { as: user }), 422)).toBe(
        "validation_failed",
      );
    });
  });

  describe("the managers' loyalty routes", () => {
    it("reads and changes the programme; a change applies to the next bill, never to closed ones", async () => {
      const programme = await expectStatus<LoyaltyProgramme>(
        await context.request("/api/manager/loyalty/programme", { as: manager }),
        200,
      );
      expect(programme).toEqual({
        tiers: [{ name: "Standard", threshold: 0, earnPercent: 5 }],
        maxRedeemPercent: 30,
        welcomePoints: 0,
        birthdayPoints: 0,
        lapseAfterDays: null,
      });
      const { identificationId, user } = await identifiedGuest();
      await expectStatus(await postPurchase({ identificationId, checkId: "P-1", total: 10_000 }), 201);
      const changed = await expectStatus<LoyaltyProgramme>(
        await context.request("/api/manager/loyalty/programme", {
          method: "PATCH",
          as: manager,
          json: { tiers: [{ name: "Standard", threshold: 0, earnPercent: 10 }], maxRedeemPercent: 50 },
        }),
        200,
      );
      try {
        expect(changed).toMatchObject({
          maxRedeemPercent: 50,
          tiers: [{ earnPercent: 10 }],
          welcomePoints: 0,
        });
        const next = await expectStatus<PurchaseResponse>(
          await postPurchase({ identificationId, checkId: "P-2", total: 10_000 }),
          201,
        );
        expect(next.purchase.earned).toBe(10);
        const history = await expectStatus<LoyaltyResponse>(
          await context.request("/api/loyalty", { as: user }),
          200,
        );
        expect(history.history.map((movement) => movement.points)).toEqual([10, 5]);
        const refused = await expectStatus<ErrorEnvelope>(
          await context.request("/api/manager/loyalty/programme", {
            method: "PATCH",
            as: manager,
            json: { tiers: [{ name: "Gold", threshold: 100, earnPercent: 10 }], maxRedeemPercent: 101 },
          }),
          422,
        );
        expect(Object.keys(refused.error.fields ?? {}).sort()).toEqual(["maxRedeemPercent", "tiers"]);
      } finally {
        await context.request("/api/manager/loyalty/programme", {
          method: "PATCH",
          as: manager,
          json: { tiers: [{ name: "Standard", threshold: 0, earnPercent: 5 }], maxRedeemPercent: 30 },
        });
      }
    });

    it("adjusts a guest's points by hand with a reason, naming the manager; never below zero", async () => {
      const { accountId } = await identifiedGuest();
      const adjust = (json: unknown, id = accountId) =>
        context.request(`/api/manager/guests/${id}/points`, { as: manager, json });
      expect(
        await expectStatus<PointsAdjustmentResponse>(
          await adjust({ points: 25, reason: "  Birthday cake  " }),
          200,
        ),
      ).toEqual({ balance: 25 });
      const [movement] = await db()
        .select()
        .from(loyaltyMovements)
        .where(and(eq(loyaltyMovements.accountId, accountId), eq(loyaltyMovements.kind, "adjust")));
      expect(movement).toMatchObject({ points: 25, managerTelegramId: managerId, reason: "Birthday cake" });
      expect(await errorCode(await adjust({ points: -26, reason: "too much" }), 409)).toBe(
        "insufficient_points",
      );
      const missingReason = await expectStatus<ErrorEnvelope>(await adjust({ points: 5, reason: " " }), 422);
      expect(Object.keys(missingReason.error.fields ?? {})).toEqual(["reason"]);
      const zero = await expectStatus<ErrorEnvelope>(await adjust({ points: 0, reason: "x" }), 422);
      expect(Object.keys(zero.error.fields ?? {})).toEqual(["points"]);
      for (const id of [randomUUID(), "nobody"]) {
        expect(await errorCode(await adjust({ points: 1, reason: "x" }, id), 404)).toBe("not_found");
      }
      expect(await adjust({ points: -25, reason: "back to zero" }).then((r) => r.json())).toEqual({
        balance: 0,
      });
    });

    it("shows a guest's points history as the guest sees it; 404 for no such guest", async () => {
      const { accountId, user, identificationId } = await identifiedGuest({ points: 7 });
      await expectStatus(await postPurchase({ identificationId, checkId: "M-1", total: 50_000 }), 201);
      const asManager = await expectStatus<LoyaltyResponse>(
        await context.request(`/api/manager/guests/${accountId}/loyalty`, { as: manager }),
        200,
      );
      const asGuest = await expectStatus<LoyaltyResponse>(
        await context.request("/api/loyalty", { as: user }),
        200,
      );
      expect(asManager).toEqual(asGuest);
      expect(asManager.balance).toBe(32);
      for (const id of [randomUUID(), "nobody"]) {
        expect(
          await errorCode(await context.request(`/api/manager/guests/${id}/loyalty`, { as: manager }), 404),
        ).toBe("not_found");
      }
    });

    it("shows the programme's figures", async () => {
      const before = await expectStatus<ProgrammeFigures>(
        await context.request("/api/manager/loyalty/figures", { as: manager }),
        200,
      );
      const { identificationId } = await identifiedGuest({ points: 40 });
      await expectStatus(
        await postPurchase({ identificationId, checkId: "F-1", total: 30_000, redeem: 40 }),
        201,
      );
      const after = await expectStatus<ProgrammeFigures>(
        await context.request("/api/manager/loyalty/figures", { as: manager }),
        200,
      );
      // +40 by hand, −40 spent, +13 earned (⌊26000 × 5 / 10000⌋).
      expect(after.today.pointsIssued - before.today.pointsIssued).toBe(53);
      expect(after.today.pointsSpent - before.today.pointsSpent).toBe(40);
      expect(after.today.bills - before.today.bills).toBe(1);
      expect(after.pointsOutstanding - before.pointsOutstanding).toBe(13);
    });
  });
});

describe(`the guest's message after a bill, through main.ts's outbox worker (${testDatabaseKind})`, () => {
  it("reaches the guest exactly once though Telegram answers 429 and then 500", async () => {
    const fake = await startFakeBotApi();
    const context = await createTestContext(
      {
        POS_API_KEYS: `till1:${tillKey}`,
        TELEGRAM_API_ROOT: fake.apiRoot,
        DELIVERY_POLL_INTERVAL_MS: "50",
        DELIVERY_BACKOFF_BASE_MS: "20",
      },
      { reviewDelivery: true },
    );
    try {
      const db = context.database.db;
      const [registered] = await registerGuests(db, 1, { firstTelegramId: 89_000 });
      await db
        .update(telegramUsers)
        .set({ languageCode: "en" })
        .where(eq(telegramUsers.id, registered!.user.id));
      await adjustPoints(db, {
        accountId: registered!.accountId,
        points: 100,
        reason: "test",
        managerTelegramId: 1,
      });
      const card = await expectStatus<CardResponse>(
        await context.request("/api/card", { method: "POST", as: registered!.user }),
        201,
      );
      const identified = await expectStatus<PosIdentifyResponse>(
        await context.request("/api/pos/identify", {
          headers: { authorization: `Bearer ${tillKey}` },
          json: { code: card.pin },
        }),
        200,
      );
      fake.failNext(1, { status: 429, retryAfter: 1 }, { method: "sendMessage" });
      fake.failNext(1, { status: 500 }, { method: "sendMessage" });
      await context.reviewDelivery!.start();
      await expectStatus(
        await context.request("/api/pos/purchases", {
          headers: { authorization: `Bearer ${tillKey}`, "idempotency-key": "n-1" },
          json: {
            identificationId: identified.identification.id,
            checkId: "N-1",
            total: 125_050,
            redeem: 21,
          },
        }),
        201,
      );
      await expect
        .poll(
          () =>
            db.$count(
              outboxJobs,
              and(eq(outboxJobs.kind, pointsMessageJobKind), eq(outboxJobs.status, "done")),
            ),
          {
            timeout: 20_000,
            interval: 50,
          },
        )
        .toBe(1);
      // 125050 − 2100 = 122950 paid; ⌊122950 × 5 / 10000⌋ = 61 earned; 100 − 21 + 61 = 140.
      expect(fake.messagesTo(registered!.user.id).map((message) => message.text)).toEqual([
        [
          "🧾 Bill N-1, 1,250.50",
          "Paid with points: −21 points",
          "Earned: +61 points",
          "Balance: <b>140 points</b>",
        ].join("\n"),
      ]);
      expect(fake.callsTo("sendMessage").map((call) => call.status)).toEqual([429, 500, 200]);
    } finally {
      await context.close();
      await fake.close();
    }
  }, 40_000);
});
