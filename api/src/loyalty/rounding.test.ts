import {
  amountPaid,
  type ErrorEnvelope,
  type PurchaseResponse,
  pointsEarned,
  purchaseTotalMax,
  redeemablePoints,
} from "@guestcard/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, testDatabaseKind } from "../../test/test-database";
import type { DatabaseConnection } from "../db/client";
import { updateLoyaltyProgramme } from "../settings/settings";
import { adjustPoints } from "./adjustments";
import { identifiedGuests, purchase } from "./loyalty-test-kit";

/**
 * docs/api.md's rounding, at the edges. Every expected figure is worked out by hand in the comment
 * beside it, not computed by the formula under test.
 */
const table: Array<{
  what: string;
  total: number;
  redeem: number;
  earnPercent: number;
  maxRedeemPercent: number;
  redeemable: number;
  paid: number;
  earned: number;
}> = [
  // 1 × 30 / 10000 = 0.003 → 0; 1 × 5 / 10000 → 0
  {
    what: "1 kopeck",
    total: 1,
    redeem: 0,
    earnPercent: 5,
    maxRedeemPercent: 30,
    redeemable: 0,
    paid: 1,
    earned: 0,
  },
  // 1 × 100 / 10000 = 0.01 → 0 either way
  {
    what: "1 kopeck at 100 %",
    total: 1,
    redeem: 0,
    earnPercent: 100,
    maxRedeemPercent: 100,
    redeemable: 0,
    paid: 1,
    earned: 0,
  },
  // 99 kopecks: 0.99 of a point → 0
  {
    what: "99 kopecks at 100 %",
    total: 99,
    redeem: 0,
    earnPercent: 100,
    maxRedeemPercent: 100,
    redeemable: 0,
    paid: 99,
    earned: 0,
  },
  // 1.00 at 100 %: exactly one point either way
  {
    what: "1.00 at 100 %",
    total: 100,
    redeem: 0,
    earnPercent: 100,
    maxRedeemPercent: 100,
    redeemable: 1,
    paid: 100,
    earned: 1,
  },
  // the whole bill in points: nothing paid, nothing earned
  {
    what: "all in points",
    total: 100,
    redeem: 1,
    earnPercent: 100,
    maxRedeemPercent: 100,
    redeemable: 1,
    paid: 0,
    earned: 0,
  },
  // docs/api.md's example: 125050 × 5 / 10000 = 62.525 → 62; share 125050 × 30 / 10000 = 375.15 → 375
  {
    what: "the contract's bill",
    total: 125_050,
    redeem: 0,
    earnPercent: 5,
    maxRedeemPercent: 30,
    redeemable: 375,
    paid: 125_050,
    earned: 62,
  },
  // paying the whole share: 125050 − 37500 = 87550; 87550 × 5 / 10000 = 43.775 → 43
  {
    what: "the contract's bill, share in points",
    total: 125_050,
    redeem: 375,
    earnPercent: 5,
    maxRedeemPercent: 30,
    redeemable: 375,
    paid: 87_550,
    earned: 43,
  },
  // 0 % earns nothing; share 999999 × 30 / 10000 = 2999.997 → 2999
  {
    what: "0 % earn",
    total: 999_999,
    redeem: 0,
    earnPercent: 0,
    maxRedeemPercent: 30,
    redeemable: 2999,
    paid: 999_999,
    earned: 0,
  },
  // 0 % share: no points may pay; 999999 × 5 / 10000 = 499.9995 → 499
  {
    what: "0 % share",
    total: 999_999,
    redeem: 0,
    earnPercent: 5,
    maxRedeemPercent: 0,
    redeemable: 0,
    paid: 999_999,
    earned: 499,
  },
  // 19.99 × 5 % = 0.9995 → 0; 20.00 × 5 % = 1
  {
    what: "just under a point",
    total: 1999,
    redeem: 0,
    earnPercent: 5,
    maxRedeemPercent: 30,
    redeemable: 5,
    paid: 1999,
    earned: 0,
  },
  {
    what: "exactly a point",
    total: 2000,
    redeem: 0,
    earnPercent: 5,
    maxRedeemPercent: 30,
    redeemable: 6,
    paid: 2000,
    earned: 1,
  },
  // fractional shares: 3333 × 30 / 10000 = 9.999 → 9; 3334 × 30 / 10000 = 10.002 → 10
  {
    what: "share just under 10",
    total: 3333,
    redeem: 9,
    earnPercent: 5,
    maxRedeemPercent: 30,
    redeemable: 9,
    paid: 2433,
    earned: 1,
  },
  {
    what: "share just over 10",
    total: 3334,
    redeem: 10,
    earnPercent: 5,
    maxRedeemPercent: 30,
    redeemable: 10,
    paid: 2334,
    earned: 1,
  },
  // 7 %: 14285 × 7 / 10000 = 9.9995 → 9; 14286 × 7 / 10000 = 10.0002 → 10
  {
    what: "7 % just under",
    total: 14_285,
    redeem: 0,
    earnPercent: 7,
    maxRedeemPercent: 30,
    redeemable: 42,
    paid: 14_285,
    earned: 9,
  },
  {
    what: "7 % just over",
    total: 14_286,
    redeem: 0,
    earnPercent: 7,
    maxRedeemPercent: 30,
    redeemable: 42,
    paid: 14_286,
    earned: 10,
  },
  // the largest bill: 10^12 × 100 / 10000 = 10^10 exactly, no overflow, no float
  {
    what: "the largest bill",
    total: purchaseTotalMax,
    redeem: 0,
    earnPercent: 100,
    maxRedeemPercent: 100,
    redeemable: 10_000_000_000,
    paid: purchaseTotalMax,
    earned: 10_000_000_000,
  },
  // 99 % of the largest bill less one kopeck: (10^12 − 1) × 99 / 10000 = 9899999999.9901 → 9899999999
  {
    what: "the largest bill less a kopeck",
    total: purchaseTotalMax - 1,
    redeem: 0,
    earnPercent: 99,
    maxRedeemPercent: 99,
    redeemable: 9_899_999_999,
    paid: purchaseTotalMax - 1,
    earned: 9_899_999_999,
  },
];

describe("the rounding formulas (shared, used by the cashier page)", () => {
  it.each(table)("$what", ({ total, redeem, earnPercent, maxRedeemPercent, redeemable, paid, earned }) => {
    expect(redeemablePoints(total, maxRedeemPercent)).toBe(redeemable);
    expect(amountPaid(total, redeem)).toBe(paid);
    expect(pointsEarned(paid, earnPercent)).toBe(earned);
  });
});

describe(`the rounding the database applies to bills (${testDatabaseKind})`, () => {
  let database: DatabaseConnection;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.close());

  it("gives every bill of the table exactly the hand-worked figures, and refuses one point over the share", async () => {
    const guests = await identifiedGuests(database.db, table.length, { firstTelegramId: 72_000 });
    for (const [index, row] of table.entries()) {
      const guest = guests[index]!;
      await updateLoyaltyProgramme(database.db, {
        tiers: [{ name: "Standard", threshold: 0, earnPercent: row.earnPercent }],
        maxRedeemPercent: row.maxRedeemPercent,
      });
      if (row.redeem > 0) {
        await adjustPoints(database.db, {
          accountId: guest.accountId,
          points: row.redeem,
          reason: "t",
          managerTelegramId: 1,
        });
      }
      if (row.redeemable < 1_000_000) {
        await adjustPoints(database.db, {
          accountId: guest.accountId,
          points: row.redeemable + 1,
          reason: "t",
          managerTelegramId: 1,
        });
        const over = await purchase(database.db, {
          identificationId: guest.identificationId,
          checkId: `over-${index}`,
          total: row.total,
          redeem: row.redeemable + 1,
        });
        expect(over.status, `${row.what}: one point over the share`).toBe(422);
        expect((over.body as ErrorEnvelope).error.fields?.redeem).toBeTruthy();
      }
      const answer = await purchase(database.db, {
        identificationId: guest.identificationId,
        checkId: `row-${index}`,
        total: row.total,
        redeem: row.redeem,
      });
      expect(answer.status, `${row.what}: ${answer.bodyText}`).toBe(201);
      const { purchase: bill } = answer.body as PurchaseResponse;
      expect({ paid: bill.paid, earned: bill.earned, redeemed: bill.redeemed }, row.what).toEqual({
        paid: row.paid,
        earned: row.earned,
        redeemed: row.redeem,
      });
    }
  });
});
