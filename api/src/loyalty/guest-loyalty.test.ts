import { type LoyaltyResponse, loyaltyResponseSchema, type PurchaseResponse } from "@guestcard/shared";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, testDatabaseKind } from "../../test/test-database";
import { type DatabaseConnection, selectRows } from "../db/client";
import { updateLoyaltyProgramme } from "../settings/settings";
import { adjustPoints } from "./adjustments";
import { readGuestLoyalty } from "./guest-loyalty";
import { identifiedGuests, purchase, refund } from "./loyalty-test-kit";
import { readProgrammeFigures } from "./programme-figures";
import { lapseIdlePoints } from "./programme-points";

describe(`a guest's points, as the Mini App reads them (${testDatabaseKind})`, () => {
  let database: DatabaseConnection;
  let nextTelegramId = 76_000;
  const db = () => database.db;
  const guest = async () => (await identifiedGuests(db(), 1, { firstTelegramId: nextTelegramId++ }))[0]!;

  beforeAll(async () => {
    database = await createTestDatabase();
    await updateLoyaltyProgramme(db(), {
      tiers: [
        { name: "Bronze", threshold: 0, earnPercent: 5 },
        { name: "Silver", threshold: 3_000_000, earnPercent: 7 },
        { name: "Gold", threshold: 10_000_000, earnPercent: 10 },
      ],
    });
  });
  afterAll(() => database.close());

  it("shows a new guest nothing yet: balance 0, the first tier, the next one to reach", async () => {
    const { accountId } = await guest();
    const view = await readGuestLoyalty(db(), accountId);
    expect(loyaltyResponseSchema.parse(view)).toEqual({
      balance: 0,
      tier: {
        name: "Bronze",
        earnPercent: 5,
        spent: 0,
        nextTier: { name: "Silver", spentToReach: 3_000_000, remaining: 3_000_000 },
      },
      maxRedeemPercent: 30,
      history: [],
      nextBefore: null,
    } satisfies LoyaltyResponse);
  });

  it("shows every movement newest first, with the bill, the till and the running balance", async () => {
    const { accountId, identificationId } = await guest();
    await adjustPoints(db(), { accountId, points: 100, reason: "welcome gift", managerTelegramId: 1 });
    const bill = await purchase(
      db(),
      { identificationId, checkId: "R-1001", total: 125_050, redeem: 30 },
      { terminal: "bar" },
    );
    const closed = (bill.body as PurchaseResponse).purchase;
    await refund(db(), closed.id, { terminal: "hall" });

    const view = await readGuestLoyalty(db(), accountId);
    expect(view.balance).toBe(100);
    // The refunded bill no longer counts towards a tier.
    expect(view.tier).toMatchObject({ name: "Bronze", spent: 0 });
    expect(view.history.map(({ at, ...movement }) => movement)).toEqual([
      {
        kind: "refund",
        points: 30 - 61,
        checkId: "R-1001",
        total: 125_050,
        terminal: "hall",
        balanceAfter: 100,
      },
      { kind: "earn", points: 61, checkId: "R-1001", total: 125_050, terminal: "bar", balanceAfter: 131 },
      { kind: "redeem", points: -30, checkId: "R-1001", total: 125_050, terminal: "bar", balanceAfter: 70 },
      { kind: "adjust", points: 100, checkId: null, total: null, terminal: null, balanceAfter: 100 },
    ]);
    expect(view.history[1]!.at).toBe(closed.at);
    expect(view.nextBefore).toBeNull();
  });

  it("shows the tier reached by money paid and what is left to the next", async () => {
    const { accountId, identificationId } = await guest();
    await purchase(db(), { identificationId, checkId: "T-1", total: 3_100_000 });
    const view = await readGuestLoyalty(db(), accountId);
    expect(view.tier).toEqual({
      name: "Silver",
      earnPercent: 7,
      spent: 3_100_000,
      nextTier: { name: "Gold", spentToReach: 10_000_000, remaining: 6_900_000 },
    });
    await purchase(db(), { identificationId, checkId: "T-2", total: 7_000_000 });
    expect((await readGuestLoyalty(db(), accountId)).tier).toMatchObject({ name: "Gold", nextTier: null });
  });

  it("pages by time without splitting a bill: at least 50 a page, nothing skipped, nothing twice", async () => {
    const { accountId, identificationId } = await guest();
    await adjustPoints(db(), { accountId, points: 1000, reason: "start", managerTelegramId: 1 });
    // 60 bills, each a redeem and an earn at the same moment, between two adjustments: 122 movements.
    for (let bill = 0; bill < 60; bill++) {
      const answer = await purchase(db(), {
        identificationId,
        checkId: `P-${bill}`,
        total: 10_000,
        redeem: 1,
      });
      expect(answer.status).toBe(201);
    }
    await adjustPoints(db(), { accountId, points: 5, reason: "last", managerTelegramId: 1 });
    const pages: LoyaltyResponse[] = [];
    let before: string | undefined;
    do {
      const page = await readGuestLoyalty(db(), accountId, before ? { before } : {});
      pages.push(page);
      before = page.nextBefore ?? undefined;
    } while (before && pages.length < 10);

    // The 50th newest movement is the first half of a bill: its other half comes on the same page.
    expect(pages.map((page) => page.history.length)).toEqual([51, 50, 21]);
    expect(pages[0]!.history[49]!.at).toBe(pages[0]!.history[50]!.at);
    expect(pages.at(-1)!.nextBefore).toBeNull();

    const all = await selectRows<{ points: number | string }>(
      db(),
      sql`select points from loyalty_movements where account_id = ${accountId}::uuid order by at desc, id desc`,
    );
    const paged = pages.flatMap((page) => page.history);
    expect(paged.map((movement) => movement.points)).toEqual(all.map((row) => Number(row.points)));
    // The running balance chains from each movement to the one before it, across page boundaries.
    for (let index = 0; index + 1 < paged.length; index++) {
      expect(paged[index]!.balanceAfter - paged[index]!.points).toBe(paged[index + 1]!.balanceAfter);
    }
  });
});

describe(`the programme's figures for managers (${testDatabaseKind})`, () => {
  let database: DatabaseConnection;
  const db = () => database.db;

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.close());

  it("counts points issued, spent, lapsed and outstanding, and card holders' bills, per period", async () => {
    const [today, tenDaysAgo, fortyDaysAgo] = await identifiedGuests(db(), 3, { firstTelegramId: 77_000 });
    // Today: 200 credited by hand, a bill of 1,000.00 paying 100 points (earns 45), a refund of another.
    await adjustPoints(db(), { accountId: today!.accountId, points: 200, reason: "x", managerTelegramId: 1 });
    await purchase(db(), {
      identificationId: today!.identificationId,
      checkId: "F-1",
      total: 100_000,
      redeem: 100,
    });
    const refunded = await purchase(db(), {
      identificationId: today!.identificationId,
      checkId: "F-2",
      total: 20_000,
    });
    await refund(db(), (refunded.body as PurchaseResponse).purchase.id);
    await adjustPoints(db(), { accountId: today!.accountId, points: -20, reason: "x", managerTelegramId: 1 });
    // Ten days ago: a bill of 3,000.00 (earns 150).
    await purchase(db(), { identificationId: tenDaysAgo!.identificationId, checkId: "F-3", total: 300_000 });
    // Forty days ago: a bill of 500.00 (earns 25), lapsed since.
    await purchase(db(), { identificationId: fortyDaysAgo!.identificationId, checkId: "F-4", total: 50_000 });
    for (const [guest, days] of [
      [tenDaysAgo!, 10],
      [fortyDaysAgo!, 40],
    ] as const) {
      await db().execute(
        sql`update loyalty_movements set at = at - make_interval(days => ${days}) where account_id = ${guest.accountId}::uuid`,
      );
      await db().execute(
        sql`update loyalty_purchases set at = at - make_interval(days => ${days}) where account_id = ${guest.accountId}::uuid`,
      );
      await db().execute(
        sql`update loyalty_balances set last_visit_at = now() - make_interval(days => ${days}) where account_id = ${guest.accountId}::uuid`,
      );
    }
    await updateLoyaltyProgramme(db(), { lapseAfterDays: 30 });
    expect(await lapseIdlePoints(db())).toBe(1);

    const figures = await readProgrammeFigures(db());
    // Issued today: 200 + 45 + 10 (the refunded bill's earn); the refund took back 10.
    expect(figures.today).toEqual({
      pointsIssued: 255,
      pointsSpent: 100,
      pointsLapsed: 25,
      pointsRefunded: -10,
      pointsAdjustedDown: 20,
      bills: 1,
      averageBill: 100_000,
    });
    expect(figures.last7Days).toEqual(figures.today);
    expect(figures.last30Days).toEqual({
      ...figures.today,
      pointsIssued: 255 + 150,
      bills: 2,
      averageBill: 200_000,
    });
    // Outstanding: 200 − 100 + 45 + 10 − 10 − 20 = 125 today's guest, 150 the other, 0 the lapsed one.
    expect(figures.pointsOutstanding).toBe(275);
  });
});
