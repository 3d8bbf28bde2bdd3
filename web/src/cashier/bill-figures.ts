import { amountPaid, pointsEarned, redeemablePoints, type TillLoyalty } from "@guestcard/shared";

/**
 * What the cashier page shows for a bill before it is confirmed: the server decides the same with
 * the same integer formulas (shared/src/loyalty.ts), so the figures on screen are the ones charged —
 * as long as the programme did not change between identify and the bill.
 */
export interface BillFigures {
  /** The most points this bill may take: min(balance, the bill's share). Never below 0. */
  maxRedeem: number;
  /** What the guest pays in money, minor units. */
  paid: number;
  /** Points the guest earns on `paid`. */
  earned: number;
  /** The balance after the bill. */
  balanceAfter: number;
  /** Why `redeem` cannot go to the server as it is; null when it can. */
  problem: "over_share" | "over_balance" | null;
}

/** The most points a bill of `total` minor units may take from this guest. */
export function maxRedeemFor(total: number, loyalty: TillLoyalty): number {
  return Math.max(0, Math.min(loyalty.balance, redeemablePoints(total, loyalty.maxRedeemPercent)));
}

export function billFigures(total: number, redeem: number, loyalty: TillLoyalty): BillFigures {
  const maxRedeem = maxRedeemFor(total, loyalty);
  const share = redeemablePoints(total, loyalty.maxRedeemPercent);
  const problem =
    redeem > share ? "over_share" : redeem > Math.max(0, loyalty.balance) ? "over_balance" : null;
  // Over the limit, the figures show the bill as it would be with no points rather than a negative payment.
  const spent = problem ? 0 : redeem;
  const paid = amountPaid(total, spent);
  const earned = pointsEarned(paid, loyalty.earnPercent);
  return { maxRedeem, paid, earned, balanceAfter: loyalty.balance - spent + earned, problem };
}
