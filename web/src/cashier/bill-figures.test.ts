import type { TillLoyalty } from "@guestcard/shared";
import { describe, expect, it } from "vitest";
import { billFigures, maxRedeemFor } from "./bill-figures";

const loyalty = (balance: number, earnPercent = 5, maxRedeemPercent = 30): TillLoyalty => ({
  balance,
  tier: "Standard",
  earnPercent,
  maxRedeemPercent,
});

describe("the cashier's figures for a bill", () => {
  it("prefills the most points allowed: the bill's share or the balance, whichever is smaller", () => {
    // 30 % of 1250.50 is 375.15 → 375 whole points; the balance is larger.
    expect(maxRedeemFor(125_050, loyalty(1000))).toBe(375);
    // The balance is smaller than the share.
    expect(maxRedeemFor(125_050, loyalty(120))).toBe(120);
    // A negative balance (after a refund) cannot be spent.
    expect(maxRedeemFor(125_050, loyalty(-40))).toBe(0);
    // A bill of one kopeck: no whole point fits.
    expect(maxRedeemFor(1, loyalty(1000, 5, 100))).toBe(0);
    // Points may pay the whole bill at 100 %.
    expect(maxRedeemFor(50_000, loyalty(1000, 5, 100))).toBe(500);
    expect(maxRedeemFor(50_000, loyalty(1000, 5, 0))).toBe(0);
  });

  it("says what the guest pays and earns, earning on money only", () => {
    // 1250.50 − 375 points = 875.50 paid; 5 % of 875.50 = 43.775 → 43 points.
    expect(billFigures(125_050, 375, loyalty(1000))).toEqual({
      maxRedeem: 375,
      paid: 87_550,
      earned: 43,
      balanceAfter: 1000 - 375 + 43,
      problem: null,
    });
    // No points spent: 10 % of 999.99 = 99.999 → 99.
    expect(billFigures(99_999, 0, loyalty(0, 10))).toMatchObject({
      paid: 99_999,
      earned: 99,
      balanceAfter: 99,
    });
    // Paid entirely by points: nothing earned.
    expect(billFigures(50_000, 500, loyalty(600, 5, 100))).toMatchObject({
      paid: 0,
      earned: 0,
      balanceAfter: 100,
    });
  });

  it("flags points over the bill's share or over the balance, and counts none of them", () => {
    expect(billFigures(125_050, 376, loyalty(1000))).toMatchObject({ problem: "over_share", paid: 125_050 });
    expect(billFigures(125_050, 200, loyalty(150))).toMatchObject({ problem: "over_balance", paid: 125_050 });
    expect(billFigures(125_050, 1, loyalty(-40))).toMatchObject({
      problem: "over_balance",
      balanceAfter: -40 + 62,
    });
  });
});
