import { randomUUID } from "node:crypto";
import type { ErrorEnvelope, PurchaseResponse, RefundResponse } from "@guestcard/shared";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, testDatabaseKind } from "../../test/test-database";
import { registerGuests } from "../card/card-test-fixtures";
import type { DatabaseConnection } from "../db/client";
import {
  loyaltyBalances,
  loyaltyMovements,
  loyaltyPurchases,
  outboxJobs,
  posIdempotencyKeys,
  telegramUsers,
} from "../db/schema";
import { deleteMyData } from "../my-data/my-data";
import { updateLoyaltyProgramme } from "../settings/settings";
import { adjustPoints } from "./adjustments";
import {
  ageIdentifications,
  brokenMonthlySpend,
  brokenRunningBalance,
  identifiedGuests,
  identify,
  pointsOf,
  purchase,
  refund,
} from "./loyalty-test-kit";
import { pointsMessageJobKind } from "./points-message";

describe(`purchases and refunds at the till (${testDatabaseKind})`, () => {
  let database: DatabaseConnection;
  let nextTelegramId = 70_000;
  const db = () => database.db;
  const guest = async () => {
    const [identified] = await identifiedGuests(db(), 1, { firstTelegramId: nextTelegramId++ });
    return identified!;
  };
  /** Gives the guest points through a manager's adjustment, so a test can spend them. */
  const credit = async (accountId: string, points: number) => {
    const result = await adjustPoints(db(), {
      accountId,
      points,
      reason: "test credit",
      managerTelegramId: 1,
    });
    expect(result.outcome).toBe("posted");
  };
  const expectConsistent = async (accountId: string, balance: number) => {
    const view = await pointsOf(db(), accountId);
    expect(view, "balance row, ledger sum and running balance agree").toMatchObject({
      balanceRow: balance,
      ledgerSum: balance,
      lastBalanceAfter: balance,
    });
    expect(await brokenRunningBalance(db(), accountId)).toBeNull();
    expect(await brokenMonthlySpend(db(), accountId)).toBeNull();
  };

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.close());

  it("closes a bill: pays part with points, earns on the money paid, answers the contract's shape", async () => {
    const { accountId, identificationId } = await guest();
    await credit(accountId, 150);
    const answer = await purchase(db(), { identificationId, checkId: "R-1001", total: 125_050, redeem: 30 });
    expect(answer.status, answer.bodyText).toBe(201);
    const body = answer.body as PurchaseResponse;
    // paid = 125050 − 30 × 100 = 122050; earned = ⌊122050 × 5 / 10000⌋ = 61.
    expect(body).toEqual({
      purchase: {
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        checkId: "R-1001",
        total: 125_050,
        redeemed: 30,
        paid: 122_050,
        earned: 61,
        at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        terminal: "till-1",
      },
      balance: 150 - 30 + 61,
    });
    expect(Math.abs(Date.parse(body.purchase.at) - Date.now())).toBeLessThan(60_000);
    expect(answer.replayed).toBe(false);
    // The stored text is exactly what JSON.stringify sends: a replay is byte for byte the first answer.
    expect(JSON.stringify(answer.body)).toBe(answer.bodyText);
    await expectConsistent(accountId, 181);
  });

  it("earns without redeeming when no points are spent (redeem defaults to 0)", async () => {
    const { accountId, identificationId } = await guest();
    const answer = await purchase(db(), { identificationId, checkId: "R-1", total: 125_050 });
    expect(answer.body).toMatchObject({ purchase: { redeemed: 0, paid: 125_050, earned: 62 }, balance: 62 });
    const view = await pointsOf(db(), accountId);
    expect(view.movements, "one earn movement, no zero redeem").toBe(1);
  });

  it("replays the stored answer for the same key, even after the programme changed, and changes nothing", async () => {
    const { accountId, identificationId } = await guest();
    const key = `bill-${randomUUID()}`;
    const first = await purchase(
      db(),
      { identificationId, checkId: "R-2", total: 10_000 },
      { idempotencyKey: key },
    );
    expect(first.status).toBe(201);
    await updateLoyaltyProgramme(db(), { tiers: [{ name: "Standard", threshold: 0, earnPercent: 50 }] });
    try {
      const again = await purchase(
        db(),
        { identificationId, checkId: "R-2", total: 10_000 },
        { idempotencyKey: key },
      );
      expect(again.bodyText).toBe(first.bodyText);
      expect(again.status).toBe(201);
      expect(again.replayed).toBe(true);
    } finally {
      await updateLoyaltyProgramme(db(), { tiers: [{ name: "Standard", threshold: 0, earnPercent: 5 }] });
    }
    expect(await db().$count(loyaltyPurchases, eq(loyaltyPurchases.accountId, accountId))).toBe(1);
    await expectConsistent(accountId, 5);
  });

  it("answers 409 idempotency_key_reused for the same key with another body, and stores nothing", async () => {
    const { accountId, identificationId } = await guest();
    const key = `bill-${randomUUID()}`;
    await purchase(db(), { identificationId, checkId: "R-3", total: 10_000 }, { idempotencyKey: key });
    for (const changed of [
      { identificationId, checkId: "R-3", total: 10_001 },
      { identificationId, checkId: "R-3b", total: 10_000 },
      { identificationId, checkId: "R-3", total: 10_000, redeem: 1 },
    ]) {
      const answer = await purchase(db(), changed, { idempotencyKey: key });
      expect(answer.status).toBe(409);
      expect((answer.body as ErrorEnvelope).error.code).toBe("idempotency_key_reused");
      expect(JSON.stringify(answer.body)).toBe(answer.bodyText);
    }
    // The same key for a refund is another request too.
    const [stored] = await db()
      .select()
      .from(loyaltyPurchases)
      .where(eq(loyaltyPurchases.accountId, accountId));
    const asRefund = await refund(db(), stored!.id, { idempotencyKey: key });
    expect((asRefund.body as ErrorEnvelope).error.code).toBe("idempotency_key_reused");
    expect(await db().$count(loyaltyPurchases, eq(loyaltyPurchases.accountId, accountId))).toBe(1);
    await expectConsistent(accountId, 5);
  });

  it("keeps keys per terminal: the same key at another till is another bill", async () => {
    const { accountId, identificationId } = await guest();
    const key = `bill-${randomUUID()}`;
    const body = { identificationId, checkId: "R-4", total: 10_000 };
    const atBar = await purchase(db(), body, { idempotencyKey: key, terminal: "bar" });
    const atHall = await purchase(db(), body, { idempotencyKey: key, terminal: "hall" });
    expect([atBar.status, atHall.status]).toEqual([201, 201]);
    expect((atBar.body as PurchaseResponse).purchase.id).not.toBe(
      (atHall.body as PurchaseResponse).purchase.id,
    );
    await expectConsistent(accountId, 10);
  });

  it("answers 404 identification_not_found for an unknown id, a non-uuid, and a stale identification", async () => {
    const { accountId, identificationId } = await guest();
    for (const id of [randomUUID(), "not-a-uuid", "42"]) {
      const answer = await purchase(db(), { identificationId: id, checkId: "R-5", total: 10_000 });
      expect(answer.status).toBe(404);
      expect((answer.body as ErrorEnvelope).error.code).toBe("identification_not_found");
    }
    // Read 12 h and 1 s ago on the database's clock: past the default IDENTIFICATION_TTL_SECONDS.
    await ageIdentifications(db(), accountId, 43_201);
    const stale = await purchase(db(), { identificationId, checkId: "R-5", total: 10_000 });
    expect(stale.status).toBe(404);
    expect((stale.body as ErrorEnvelope).error.code).toBe("identification_not_found");
    await expectConsistent(accountId, 0);
  });

  it("accepts an identification just inside its validity, and one made with a short TTL is stale after it", async () => {
    const { accountId, identificationId } = await guest();
    await ageIdentifications(db(), accountId, 43_200 - 60);
    expect((await purchase(db(), { identificationId, checkId: "R-6", total: 10_000 })).status).toBe(201);

    const shortLived = await identify(db(), accountId, { identificationTtlSeconds: 5 });
    await ageIdentifications(db(), accountId, 6);
    const answer = await purchase(db(), { identificationId: shortLived, checkId: "R-6b", total: 10_000 });
    expect(answer.status).toBe(404);
  });

  it("lets the identification outlive the card: expired or replaced, the bill still closes", async () => {
    const { accountId, identificationId } = await guest();
    // The card the guest showed has expired, and a new one replaced it since.
    await db().execute(
      sql`update cards set expires_at = now() - interval '1 second' where account_id = ${accountId}::uuid`,
    );
    await identify(db(), accountId, { terminal: "bar" });
    const answer = await purchase(db(), { identificationId, checkId: "R-7", total: 10_000 });
    expect(answer.status, answer.bodyText).toBe(201);
  });

  it("is valid at any till of the restaurant", async () => {
    const { identificationId } = await guest();
    const answer = await purchase(
      db(),
      { identificationId, checkId: "R-8", total: 10_000 },
      { terminal: "terrace" },
    );
    expect(answer.status).toBe(201);
    expect((answer.body as PurchaseResponse).purchase.terminal).toBe("terrace");
  });

  it("answers 409 insufficient_points when redeem exceeds the balance; nothing changes", async () => {
    const { accountId, identificationId } = await guest();
    await credit(accountId, 10);
    const answer = await purchase(db(), { identificationId, checkId: "R-9", total: 100_000, redeem: 11 });
    expect(answer.status).toBe(409);
    expect((answer.body as ErrorEnvelope).error.code).toBe("insufficient_points");
    expect(JSON.stringify(answer.body)).toBe(answer.bodyText);
    await expectConsistent(accountId, 10);
    // Spending exactly the balance is fine.
    expect(
      (await purchase(db(), { identificationId, checkId: "R-9", total: 100_000, redeem: 10 })).status,
    ).toBe(201);
  });

  it("answers 422 validation_failed with fields.redeem above the bill's share, before looking at the identification", async () => {
    const { accountId, identificationId } = await guest();
    await credit(accountId, 1000);
    // 30 % of 10,000.00 is 3,000.00: at most 30 points of... ⌊1000000 × 30 / 10000⌋ = 3000 points.
    const over = await purchase(db(), { identificationId, checkId: "R-10", total: 10_000, redeem: 31 });
    expect(over.status).toBe(422);
    const envelope = over.body as ErrorEnvelope;
    expect(envelope.error.code).toBe("validation_failed");
    expect(envelope.error.fields?.redeem).toMatch(/at most 30 points/);
    const unknownToo = await purchase(db(), {
      identificationId: randomUUID(),
      checkId: "R-10",
      total: 10_000,
      redeem: 31,
    });
    expect(unknownToo.status, "422 comes before 404").toBe(422);
    expect(
      (await purchase(db(), { identificationId, checkId: "R-10", total: 10_000, redeem: 30 })).status,
    ).toBe(201);
  });

  it("stores the error answers too: a replay of a 409 is that 409, even once the guest could afford it", async () => {
    const { accountId, identificationId } = await guest();
    const key = `bill-${randomUUID()}`;
    const body = { identificationId, checkId: "R-11", total: 100_000, redeem: 5 };
    const first = await purchase(db(), body, { idempotencyKey: key });
    expect(first.status).toBe(409);
    await credit(accountId, 5);
    const again = await purchase(db(), body, { idempotencyKey: key });
    expect([again.status, again.bodyText, again.replayed]).toEqual([409, first.bodyText, true]);
    await expectConsistent(accountId, 5);
  });

  it("refunds in one step: earned points taken back, redeemed ones returned; replays; once per bill", async () => {
    const { accountId, identificationId } = await guest();
    await credit(accountId, 100);
    const bill = await purchase(db(), { identificationId, checkId: "R-12", total: 50_000, redeem: 40 });
    const { purchase: closed, balance } = bill.body as PurchaseResponse;
    // paid 46000, earned ⌊46000 × 5 / 10000⌋ = 23; balance 100 − 40 + 23 = 83.
    expect([closed.earned, balance]).toEqual([23, 83]);

    const key = `refund-${randomUUID()}`;
    const answer = await refund(db(), closed.id, { idempotencyKey: key, terminal: "bar" });
    expect(answer.status, answer.bodyText).toBe(200);
    expect(answer.body).toEqual({
      refund: { purchaseId: closed.id, points: 40 - 23, at: expect.any(String) },
      balance: 100,
    } satisfies RefundResponse);
    expect(JSON.stringify(answer.body)).toBe(answer.bodyText);
    await expectConsistent(accountId, 100);

    const replay = await refund(db(), closed.id, { idempotencyKey: key, terminal: "bar" });
    expect([replay.status, replay.bodyText, replay.replayed]).toEqual([200, answer.bodyText, true]);
    const otherKey = await refund(db(), closed.id, { terminal: "bar" });
    expect(otherKey.status).toBe(409);
    expect((otherKey.body as ErrorEnvelope).error.code).toBe("already_refunded");
    await expectConsistent(accountId, 100);
  });

  it("answers 404 purchase_not_found for an unknown or malformed purchase id", async () => {
    for (const id of [randomUUID(), "R-1001", ""]) {
      const answer = await refund(db(), id);
      expect(answer.status).toBe(404);
      expect((answer.body as ErrorEnvelope).error.code).toBe("purchase_not_found");
    }
  });

  it("takes a refunded bill's earned points back below zero, and a negative balance cannot be spent", async () => {
    const { accountId, identificationId } = await guest();
    const first = await purchase(db(), { identificationId, checkId: "R-13", total: 200_000 });
    expect((first.body as PurchaseResponse).balance).toBe(100);
    // The guest spends them at once on another bill.
    const second = await purchase(db(), { identificationId, checkId: "R-14", total: 100_000, redeem: 100 });
    expect((second.body as PurchaseResponse).balance).toBe(0 + 45);
    const back = await refund(db(), (first.body as PurchaseResponse).purchase.id);
    expect((back.body as RefundResponse).balance).toBe(45 - 100);
    await expectConsistent(accountId, -55);

    const spend = await purchase(db(), { identificationId, checkId: "R-15", total: 100_000, redeem: 1 });
    expect((spend.body as ErrorEnvelope).error.code).toBe("insufficient_points");
    const adjustDown = await adjustPoints(db(), {
      accountId,
      points: -1,
      reason: "no",
      managerTelegramId: 1,
    });
    expect(adjustDown.outcome, "only a refund may take a balance below zero").toBe("insufficient_points");
    // Later earnings pay it back.
    const earn = await purchase(db(), { identificationId, checkId: "R-16", total: 100_000 });
    expect((earn.body as PurchaseResponse).balance).toBe(-55 + 50);
    await expectConsistent(accountId, -5);
  });

  it("applies programme changes from the next bill on: a refund undoes what the bill did, not today's percent", async () => {
    const { accountId, identificationId } = await guest();
    const before = await purchase(db(), { identificationId, checkId: "R-17", total: 100_000 });
    expect((before.body as PurchaseResponse).purchase.earned).toBe(50);
    await updateLoyaltyProgramme(db(), { tiers: [{ name: "Standard", threshold: 0, earnPercent: 10 }] });
    try {
      const after = await purchase(db(), { identificationId, checkId: "R-18", total: 100_000 });
      expect((after.body as PurchaseResponse).purchase.earned).toBe(100);
      const back = await refund(db(), (before.body as PurchaseResponse).purchase.id);
      expect((back.body as RefundResponse).refund.points).toBe(-50);
    } finally {
      await updateLoyaltyProgramme(db(), { tiers: [{ name: "Standard", threshold: 0, earnPercent: 5 }] });
    }
    const [stored] = await db()
      .select({ earnPercent: loyaltyPurchases.earnPercent, tierName: loyaltyPurchases.tierName })
      .from(loyaltyPurchases)
      .where(eq(loyaltyPurchases.checkId, "R-17"));
    expect(stored).toEqual({ earnPercent: 5, tierName: "Standard" });
    await expectConsistent(accountId, 100);
  });

  it("moves a guest up a tier by money paid in 12 months, from the next bill; refunded bills do not count", async () => {
    const { accountId, identificationId } = await guest();
    await updateLoyaltyProgramme(db(), {
      tiers: [
        { name: "Bronze", threshold: 0, earnPercent: 5 },
        { name: "Silver", threshold: 3_000_000, earnPercent: 7 },
      ],
    });
    try {
      const big = await purchase(db(), { identificationId, checkId: "R-19", total: 3_000_000 });
      expect((big.body as PurchaseResponse).purchase.earned, "earned at Bronze").toBe(1500);
      const next = await purchase(db(), { identificationId, checkId: "R-20", total: 100_000 });
      expect((next.body as PurchaseResponse).purchase.earned, "earned at Silver").toBe(70);
      await refund(db(), (big.body as PurchaseResponse).purchase.id);
      const after = await purchase(db(), { identificationId, checkId: "R-21", total: 100_000 });
      expect((after.body as PurchaseResponse).purchase.earned, "back at Bronze").toBe(50);
      // Thirteen months later (the guest's months moved back by 13), those bills no longer count.
      await purchase(db(), { identificationId, checkId: "R-22", total: 3_000_000 });
      await db().execute(
        sql`update loyalty_balances set spent_months = array(select month - 13 from unnest(spent_months) as month)
             where account_id = ${accountId}::uuid`,
      );
      const later = await purchase(db(), { identificationId, checkId: "R-23", total: 100_000 });
      expect((later.body as PurchaseResponse).purchase.earned).toBe(50);
    } finally {
      await updateLoyaltyProgramme(db(), { tiers: [{ name: "Standard", threshold: 0, earnPercent: 5 }] });
    }
  });

  it("leaves the guest's message in the outbox with the figures, only for a guest the bot can reach", async () => {
    const { accountId, identificationId } = await guest();
    await credit(accountId, 20);
    const bill = await purchase(db(), { identificationId, checkId: "R-24", total: 10_000, redeem: 20 });
    const closed = (bill.body as PurchaseResponse).purchase;
    await refund(db(), closed.id);
    const jobs = await db()
      .select({ kind: outboxJobs.kind, payload: outboxJobs.payload })
      .from(outboxJobs)
      .where(sql`${outboxJobs.payload}->>'accountId' = ${accountId}`)
      .orderBy(outboxJobs.id);
    expect(jobs).toEqual([
      {
        kind: pointsMessageJobKind,
        payload: {
          accountId,
          event: "purchase",
          purchaseId: closed.id,
          checkId: "R-24",
          total: 10_000,
          redeemed: 20,
          earned: 4,
          balance: 4,
        },
      },
      {
        kind: pointsMessageJobKind,
        payload: {
          accountId,
          event: "refund",
          purchaseId: closed.id,
          checkId: "R-24",
          total: 10_000,
          points: 16,
          balance: 20,
        },
      },
    ]);

    // A guest with no Telegram user linked (an imported guest at the till through other means) gets none.
    const [unlinked] = await registerGuests(db(), 1, { firstTelegramId: nextTelegramId++ });
    const unlinkedIdentification = await identify(db(), unlinked!.accountId);
    await db().update(telegramUsers).set({ accountId: null }).where(eq(telegramUsers.id, unlinked!.user.id));
    expect(
      (await purchase(db(), { identificationId: unlinkedIdentification, checkId: "R-25", total: 10_000 }))
        .status,
    ).toBe(201);
    expect(
      await db().$count(outboxJobs, sql`${outboxJobs.payload}->>'accountId' = ${unlinked!.accountId}`),
    ).toBe(0);
  });

  it("keeps the exact answer under the key, with the bill it made", async () => {
    const { identificationId } = await guest();
    const key = `bill-${randomUUID()}`;
    const answer = await purchase(
      db(),
      { identificationId, checkId: "R-26", total: 10_000 },
      { idempotencyKey: key },
    );
    const [stored] = await db().select().from(posIdempotencyKeys).where(eq(posIdempotencyKeys.key, key));
    expect(stored).toMatchObject({
      terminal: "till-1",
      operation: "purchase",
      status: 201,
      body: answer.bodyText,
      purchaseId: (answer.body as PurchaseResponse).purchase.id,
    });
  });

  it("keeps a deleted guest's bills and movements as the restaurant's record, without the guest", async () => {
    const { accountId, identificationId, telegramUserId } = await guest();
    const bill = await purchase(db(), { identificationId, checkId: "R-27", total: 10_000 });
    const purchaseId = (bill.body as PurchaseResponse).purchase.id;
    await deleteMyData(db(), {
      id: telegramUserId,
      firstName: "Guest",
      lastName: null,
      username: null,
      languageCode: "en",
    });
    expect(await db().$count(loyaltyBalances, eq(loyaltyBalances.accountId, accountId))).toBe(0);
    const [kept] = await db().select().from(loyaltyPurchases).where(eq(loyaltyPurchases.id, purchaseId));
    expect(kept).toMatchObject({ accountId: null, checkId: "R-27", total: 10_000, earned: 5 });
    expect(await db().$count(loyaltyMovements, eq(loyaltyMovements.purchaseId, purchaseId))).toBe(1);
    // Nothing more can happen to the bill: the guest is gone.
    expect((await refund(db(), purchaseId)).status).toBe(404);
    expect((await purchase(db(), { identificationId, checkId: "R-28", total: 10_000 })).status).toBe(404);
  });
});
