import { randomUUID } from "node:crypto";
import type { ErrorEnvelope, PurchaseResponse } from "@guestcard/shared";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, testDatabaseKind } from "../../test/test-database";
import { connectPostgres, type Database, type DatabaseConnection, selectRows } from "../db/client";
import { loyaltyPurchases } from "../db/schema";
import { updateLoyaltyProgramme } from "../settings/settings";
import { adjustPoints } from "./adjustments";
import { brokenRunningBalance, identifiedGuests, pointsOf, purchase, refund } from "./loyalty-test-kit";
import type { TillAnswer } from "./till-payments";

/**
 * Tills retry and double-tap; several tills close bills of one guest at once. The database decides:
 * the Idempotency-Key's unique index and the balance row's lock. On PostgreSQL the calls go out over
 * 25 connections at once; PGlite has one connection, so the same calls queue there — and must give
 * the same results.
 */
describe(`till calls at once (${testDatabaseKind})`, () => {
  let database: DatabaseConnection;
  /** Many connections to the same database, so concurrent calls really overlap on PostgreSQL. */
  let wide: DatabaseConnection | undefined;
  let nextTelegramId = 73_000;
  const db = (): Database => (wide ?? database).db;

  beforeAll(async () => {
    database = await createTestDatabase();
    const serverUrl = process.env.TEST_DATABASE_URL;
    if (serverUrl) {
      const [row] = await selectRows<{ name: string }>(database.db, sql`select current_database() as name`);
      const url = new URL(serverUrl);
      url.pathname = `/${row!.name}`;
      wide = connectPostgres(url.toString(), { max: 25 });
    }
  });
  afterAll(async () => {
    await wide?.close();
    await database.close();
  });

  const guest = async () => (await identifiedGuests(db(), 1, { firstTelegramId: nextTelegramId++ }))[0]!;
  const expectConsistent = async (accountId: string, balance: number) => {
    expect(await pointsOf(db(), accountId)).toMatchObject({ balanceRow: balance, ledgerSum: balance });
    expect(await brokenRunningBalance(db(), accountId)).toBeNull();
  };

  it("makes one bill of 50 simultaneous purchases with the same key, and gives all 50 its answer", async () => {
    const { accountId, identificationId } = await guest();
    await adjustPoints(db(), { accountId, points: 100, reason: "test", managerTelegramId: 1 });
    const key = `double-tap-${randomUUID()}`;
    const answers = await Promise.all(
      Array.from({ length: 50 }, () =>
        purchase(
          db(),
          { identificationId, checkId: "C-1", total: 100_000, redeem: 100 },
          { idempotencyKey: key },
        ),
      ),
    );
    expect(answers.map((answer) => answer.status)).toEqual(Array(50).fill(201));
    expect(new Set(answers.map((answer) => answer.bodyText)).size).toBe(1);
    expect(answers.filter((answer) => !answer.replayed)).toHaveLength(1);
    expect(await db().$count(loyaltyPurchases, eq(loyaltyPurchases.accountId, accountId))).toBe(1);
    // 100 − 100 + ⌊90000 × 5 / 10000⌋ = 45
    expect((answers[0]!.body as PurchaseResponse).balance).toBe(45);
    await expectConsistent(accountId, 45);
  });

  it("lets 20 simultaneous redemptions that together exceed the balance spend only what is there", async () => {
    // Nothing earned on these bills, so exactly balance / 10 of them are affordable, in any order.
    await updateLoyaltyProgramme(db(), { tiers: [{ name: "Standard", threshold: 0, earnPercent: 0 }] });
    try {
      const { accountId, identificationId } = await guest();
      await adjustPoints(db(), { accountId, points: 105, reason: "test", managerTelegramId: 1 });
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, index) =>
          purchase(
            db(),
            { identificationId, checkId: `C-2-${index}`, total: 10_000, redeem: 10 },
            { terminal: index % 2 === 0 ? "till-1" : "bar" },
          ),
        ),
      );
      const succeeded = answers.filter((answer) => answer.status === 201);
      const refused = answers.filter((answer) => answer.status !== 201);
      expect(succeeded).toHaveLength(10);
      expect(refused.map((answer) => (answer.body as ErrorEnvelope).error.code)).toEqual(
        Array(10).fill("insufficient_points"),
      );
      // Each success saw the balance the one before it left: 95, 85, …, 5, each exactly once.
      const balances = succeeded
        .map((answer) => (answer.body as PurchaseResponse).balance)
        .sort((a, b) => b - a);
      expect(balances).toEqual([95, 85, 75, 65, 55, 45, 35, 25, 15, 5]);
      await expectConsistent(accountId, 5);
    } finally {
      await updateLoyaltyProgramme(db(), { tiers: [{ name: "Standard", threshold: 0, earnPercent: 5 }] });
    }
  });

  it("refunds a bill once when 10 tills refund it at once with their own keys", async () => {
    const { accountId, identificationId } = await guest();
    const bill = await purchase(db(), { identificationId, checkId: "C-3", total: 100_000 });
    const purchaseId = (bill.body as PurchaseResponse).purchase.id;
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, index) => refund(db(), purchaseId, { terminal: `till-${index}` })),
    );
    expect(answers.filter((answer) => answer.status === 200)).toHaveLength(1);
    expect(
      answers.filter((answer) => (answer.body as ErrorEnvelope).error?.code === "already_refunded"),
    ).toHaveLength(9);
    await expectConsistent(accountId, 0);
  });

  it("keeps the ledger whole under a mix of bills, duplicates, refunds and adjustments at once", async () => {
    const guests = await identifiedGuests(db(), 3, { firstTelegramId: 74_000 });
    for (const { accountId } of guests) {
      await adjustPoints(db(), { accountId, points: 50, reason: "test", managerTelegramId: 1 });
    }
    const first = await Promise.all(
      guests.map(({ identificationId }, index) =>
        purchase(db(), { identificationId, checkId: `M-${index}`, total: 50_000 }),
      ),
    );
    const calls: Array<Promise<TillAnswer<unknown> | unknown>> = [];
    for (let round = 0; round < 10; round++) {
      for (const [index, { accountId, identificationId }] of guests.entries()) {
        const key = `mix-${round}-${index}-${randomUUID()}`;
        const body = { identificationId, checkId: `M-${round}`, total: 20_000 + round, redeem: round % 4 };
        calls.push(
          purchase(db(), body, { idempotencyKey: key }),
          purchase(db(), body, { idempotencyKey: key }),
        );
        calls.push(
          adjustPoints(db(), {
            accountId,
            points: round % 2 === 0 ? 3 : -7,
            reason: "mix",
            managerTelegramId: 2,
          }),
        );
      }
    }
    for (const answer of first) calls.push(refund(db(), (answer.body as PurchaseResponse).purchase.id));
    await Promise.all(calls);
    for (const { accountId } of guests) {
      const view = await pointsOf(db(), accountId);
      expect(view.balanceRow).toBe(view.ledgerSum);
      expect(await brokenRunningBalance(db(), accountId)).toBeNull();
      // Bills: the first plus one per round (each key's two copies made one).
      expect(await db().$count(loyaltyPurchases, eq(loyaltyPurchases.accountId, accountId))).toBe(11);
    }
  });
});
