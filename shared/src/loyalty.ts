import * as z from "zod/mini";

/**
 * Points (docs/api.md, "Points: money and rounding"). Money is an integer of minor units (kopecks,
 * cents); points are whole; 1 point pays 1 major unit (100 minor units). Every figure here is an
 * integer and every formula integer arithmetic: nothing is ever a fraction, so nothing is rounded
 * twice or differently on the till, the server and the guest's phone.
 */

/** Minor units one point pays. */
export const minorUnitsPerPoint = 100;

/**
 * The largest bill total accepted: 10,000,000,000.00 in major units. Far above any restaurant bill,
 * and far enough below 2^53 that every product the formulas take (total × percent) is an exact
 * integer in a JavaScript number and in PostgreSQL's bigint.
 */
export const purchaseTotalMax = 1_000_000_000_000;

/** The one tier a programme has out of the box; its earn percent is `LOYALTY_EARN_PERCENT`. */
export const defaultTierName = "Standard";

/** The kinds of point movement, each a row of the ledger. */
export const pointMovementKinds = [
  "earn",
  "redeem",
  "refund",
  "welcome",
  "birthday",
  "adjust",
  "expire",
] as const;
export type PointMovementKind = (typeof pointMovementKinds)[number];

/** ⌊a / b⌋ for a ≥ 0, b > 0, in exact integer steps (no fractional intermediate to round). */
function floorDivide(dividend: number, divisor: number): number {
  return (dividend - (dividend % divisor)) / divisor;
}

/** The most points that may pay a bill: ⌊total × maxRedeemPercent / 10000⌋ (docs/api.md). */
export function redeemablePoints(total: number, maxRedeemPercent: number): number {
  return floorDivide(total * maxRedeemPercent, 100 * minorUnitsPerPoint);
}

/** The money paid for a bill once `redeem` points paid part of it, in minor units. */
export function amountPaid(total: number, redeem: number): number {
  return total - redeem * minorUnitsPerPoint;
}

/** Points earned on money paid (never on points): ⌊paid × earnPercent / 10000⌋ (docs/api.md). */
export function pointsEarned(paid: number, earnPercent: number): number {
  return floorDivide(paid * earnPercent, 100 * minorUnitsPerPoint);
}

// ---------------------------------------------------------------------------------------------
// The till: identify's loyalty part, purchases, refunds.

/**
 * `Idempotency-Key` header of purchases and refunds: one key per bill the till closes (or refund it
 * asks for). A repeat with the same key is answered with the first answer again.
 */
export const idempotencyKeyPattern = /^[A-Za-z0-9_-]{1,100}$/;
export const idempotencyKeySchema = z
  .string("an Idempotency-Key header is required")
  .check(z.regex(idempotencyKeyPattern, "1–100 of A-Z a-z 0-9 _ -"));

/** The headers of `POST /api/pos/purchases` and of a refund: the `Idempotency-Key` (lower-cased, as HTTP reads it). */
export const idempotencyHeadersSchema = z.object({ "idempotency-key": idempotencyKeySchema });

/** Field error messages of till requests; the cashier page maps them back to its own texts. */
export const purchaseFieldErrorMessages = {
  required: "required",
  checkIdLength: "1–64 characters",
  controlCharacters: "must not contain control characters",
  totalNotPositiveInteger: "a positive whole number of minor units (kopecks, cents)",
  totalTooLarge: `at most ${purchaseTotalMax} minor units`,
  redeemNotWholePoints: "a whole number of points, 0 or more",
  redeemOverShare: "more than the bill's share that points may pay",
} as const;

export const checkIdMaxLength = 64;

/** `POST /api/pos/purchases` body. */
export const purchaseRequestSchema = z.object({
  /** What `POST /api/pos/identify` answered as `identification.id`. */
  identificationId: z
    .string(purchaseFieldErrorMessages.required)
    .check(z.minLength(1, purchaseFieldErrorMessages.required), z.maxLength(100)),
  /** The till's own bill number, shown to the guest in their history. */
  checkId: z.string(purchaseFieldErrorMessages.required).check(
    z.minLength(1, purchaseFieldErrorMessages.checkIdLength),
    z.maxLength(checkIdMaxLength, purchaseFieldErrorMessages.checkIdLength),
    z.refine((value: string) => !/\p{Cc}/u.test(value), purchaseFieldErrorMessages.controlCharacters),
  ),
  /** The bill, in minor units. */
  total: z
    .number(purchaseFieldErrorMessages.totalNotPositiveInteger)
    .check(
      z.int(purchaseFieldErrorMessages.totalNotPositiveInteger),
      z.gte(1, purchaseFieldErrorMessages.totalNotPositiveInteger),
      z.lte(purchaseTotalMax, purchaseFieldErrorMessages.totalTooLarge),
    ),
  /** Points spent on this bill; the server also checks the bill's share and the balance. */
  redeem: z._default(
    z
      .number(purchaseFieldErrorMessages.redeemNotWholePoints)
      .check(
        z.int(purchaseFieldErrorMessages.redeemNotWholePoints),
        z.gte(0, purchaseFieldErrorMessages.redeemNotWholePoints),
        z.lte(purchaseTotalMax / minorUnitsPerPoint, purchaseFieldErrorMessages.redeemOverShare),
      ),
    0,
  ),
});
export type PurchaseRequest = z.infer<typeof purchaseRequestSchema>;
export type PurchaseInput = z.input<typeof purchaseRequestSchema>;

export const purchaseSchema = z.object({
  id: z.string(),
  checkId: z.string(),
  total: z.number(),
  redeemed: z.number(),
  paid: z.number(),
  earned: z.number(),
  at: z.string(),
  terminal: z.string(),
});
export type Purchase = z.infer<typeof purchaseSchema>;

/** `POST /api/pos/purchases` → 201. `balance`: the guest's balance after this bill. */
export const purchaseResponseSchema = z.object({ purchase: purchaseSchema, balance: z.number() });
export type PurchaseResponse = z.infer<typeof purchaseResponseSchema>;

/** `POST /api/pos/purchases/{id}/refund` → 200. `points`: the signed change to the balance. */
export const refundResponseSchema = z.object({
  refund: z.object({ purchaseId: z.string(), points: z.number(), at: z.string() }),
  balance: z.number(),
});
export type RefundResponse = z.infer<typeof refundResponseSchema>;

/** A page's `before`: an ISO 8601 time, as the previous page's `nextBefore` gave it. */
const pageBefore = z.optional(z.iso.datetime({ offset: true, message: "an ISO 8601 date and time" }));

/** `GET /api/pos/purchases?before=<ISO>`: the till's bills older than `before`, newest first. */
export const tillPurchaseListQuerySchema = z.object({ before: pageBefore });

/** How many bills a page of the till's list holds at least. */
export const tillPurchasePageSize = 50;

/** One bill in the till's list: the bill as it was answered, whether it was refunded, and whose it was. */
export const tillPurchaseSchema = z.object({
  ...purchaseSchema.shape,
  /** When it was refunded (by any till), or null. */
  refundedAt: z.nullable(z.string()),
  /** How the till greets the guest ("Александр И."); null once the guest deleted their data. */
  guestName: z.nullable(z.string()),
});
export type TillPurchase = z.infer<typeof tillPurchaseSchema>;

/**
 * `GET /api/pos/purchases` → 200: this terminal's bills, newest first, at least 50 a page (every bill
 * sharing the last one's time too, so paging by time skips none).
 */
export const tillPurchaseListResponseSchema = z.object({
  purchases: z.array(tillPurchaseSchema),
  /** Pass as `before` for the next page; null when this page reached the terminal's first bill. */
  nextBefore: z.nullable(z.string()),
});
export type TillPurchaseListResponse = z.infer<typeof tillPurchaseListResponseSchema>;

/** `identify`'s `identification`: what the till closes the bill with, and until when it may. */
export const identificationSchema = z.object({ id: z.string(), validUntil: z.string() });
export type Identification = z.infer<typeof identificationSchema>;

/** `identify`'s `loyalty`: what the till shows the cashier before the bill. */
export const tillLoyaltySchema = z.object({
  balance: z.number(),
  tier: z.string(),
  earnPercent: z.number(),
  maxRedeemPercent: z.number(),
});
export type TillLoyalty = z.infer<typeof tillLoyaltySchema>;

// ---------------------------------------------------------------------------------------------
// The guest: GET /api/loyalty.

/** How many movements a page of the history holds at least. */
export const loyaltyHistoryPageSize = 50;

/** `GET /api/loyalty?before=<ISO>`: the page of movements older than `before`. */
export const loyaltyHistoryQuerySchema = z.object({ before: pageBefore });
export type LoyaltyHistoryQuery = z.infer<typeof loyaltyHistoryQuerySchema>;

export const pointMovementSchema = z.object({
  at: z.string(),
  kind: z.enum(pointMovementKinds),
  /** Signed: + credited, − taken. */
  points: z.number(),
  /** The bill's number at the till, for earn, redeem and refund; else null. */
  checkId: z.nullable(z.string()),
  /** The bill's total in minor units, for earn, redeem and refund; else null. */
  total: z.nullable(z.number()),
  /** The till that closed the bill (or the refund), for earn, redeem and refund; else null. */
  terminal: z.nullable(z.string()),
  /** The balance right after this movement: the history's running balance. */
  balanceAfter: z.number(),
});
export type PointMovement = z.infer<typeof pointMovementSchema>;

export const nextTierSchema = z.object({
  name: z.string(),
  /** Money paid in a rolling 12 months (minor units) from which this tier applies: its threshold. */
  spentToReach: z.number(),
  /** What is still missing to reach it: `spentToReach − spent`. */
  remaining: z.number(),
});

export const loyaltyResponseSchema = z.object({
  balance: z.number(),
  tier: z.object({
    name: z.string(),
    earnPercent: z.number(),
    /**
     * Money paid in the last 12 months (minor units, refunded bills excluded): what tiers go by.
     * Counted in calendar months (UTC): this month and the 12 before it, so never less than a year.
     */
    spent: z.number(),
    nextTier: z.nullable(nextTierSchema),
  }),
  /** The largest share of a bill points may pay now, in percent. */
  maxRedeemPercent: z.number(),
  /** Newest first; at least 50 (all movements sharing the last one's time, so paging splits no bill). */
  history: z.array(pointMovementSchema),
  /** Pass as `before` for the next page; null when this page reached the first movement. */
  nextBefore: z.nullable(z.string()),
});
export type LoyaltyResponse = z.infer<typeof loyaltyResponseSchema>;

// ---------------------------------------------------------------------------------------------
// Managers: the programme's settings, hand adjustments, figures.

export const loyaltyTierNameMaxLength = 40;
export const loyaltyTiersMax = 10;
export const welcomePointsMax = 1_000_000;
export const birthdayPointsMax = 1_000_000;
export const lapseAfterDaysRange = { min: 30, max: 3650 } as const;

export const programmeFieldErrorMessages = {
  percent: "a whole percent from 0 to 100",
  points: `a whole number of points from 0 to ${welcomePointsMax}`,
  lapseDays: `a whole number of days from ${lapseAfterDaysRange.min} to ${lapseAfterDaysRange.max}, or null (off)`,
  tiers: `1–${loyaltyTiersMax} tiers: the first from 0, thresholds rising, names unique`,
  tierName: `1–${loyaltyTierNameMaxLength} characters`,
  threshold: "a whole number of minor units, 0 or more",
} as const;

const wholePercent = z
  .number(programmeFieldErrorMessages.percent)
  .check(
    z.int(programmeFieldErrorMessages.percent),
    z.gte(0, programmeFieldErrorMessages.percent),
    z.lte(100, programmeFieldErrorMessages.percent),
  );

const wholePoints = (max: number) =>
  z
    .number(programmeFieldErrorMessages.points)
    .check(
      z.int(programmeFieldErrorMessages.points),
      z.gte(0, programmeFieldErrorMessages.points),
      z.lte(max, programmeFieldErrorMessages.points),
    );

export const loyaltyTierSchema = z.object({
  name: z.string(programmeFieldErrorMessages.tierName).check(
    z.trim(),
    z.minLength(1, programmeFieldErrorMessages.tierName),
    z.maxLength(loyaltyTierNameMaxLength, programmeFieldErrorMessages.tierName),
    z.refine((value: string) => !/\p{Cc}/u.test(value), programmeFieldErrorMessages.tierName),
  ),
  /** Money paid in a rolling 12 months (minor units) from which the tier applies. */
  threshold: z
    .number(programmeFieldErrorMessages.threshold)
    .check(
      z.int(programmeFieldErrorMessages.threshold),
      z.gte(0, programmeFieldErrorMessages.threshold),
      z.lte(Number.MAX_SAFE_INTEGER, programmeFieldErrorMessages.threshold),
    ),
  earnPercent: wholePercent,
});
export type LoyaltyTier = z.infer<typeof loyaltyTierSchema>;

/** Tiers start at 0 (everyone has one), rise strictly, and have distinct names. */
function isTierLadder(tiers: readonly LoyaltyTier[]): boolean {
  return (
    tiers[0]?.threshold === 0 &&
    tiers.every((tier, index) => index === 0 || tier.threshold > (tiers[index - 1]?.threshold ?? 0)) &&
    new Set(tiers.map((tier) => tier.name)).size === tiers.length
  );
}

const tierLadder = z
  .array(loyaltyTierSchema, programmeFieldErrorMessages.tiers)
  .check(
    z.minLength(1, programmeFieldErrorMessages.tiers),
    z.maxLength(loyaltyTiersMax, programmeFieldErrorMessages.tiers),
    z.refine(isTierLadder, programmeFieldErrorMessages.tiers),
  );

const lapseAfterDays = z.nullable(
  z
    .number(programmeFieldErrorMessages.lapseDays)
    .check(
      z.int(programmeFieldErrorMessages.lapseDays),
      z.gte(lapseAfterDaysRange.min, programmeFieldErrorMessages.lapseDays),
      z.lte(lapseAfterDaysRange.max, programmeFieldErrorMessages.lapseDays),
    ),
);

/**
 * The loyalty programme in force. The first tier's `earnPercent` is the programme's earn percent
 * (`LOYALTY_EARN_PERCENT` out of the box, with one tier); a guest's tier goes by money paid in a
 * rolling 12 months (this calendar month and the 12 before it). `lapseAfterDays`: points lapse after that many days without a bill (null: never).
 */
export const loyaltyProgrammeSchema = z.object({
  tiers: tierLadder,
  maxRedeemPercent: wholePercent,
  welcomePoints: wholePoints(welcomePointsMax),
  birthdayPoints: wholePoints(birthdayPointsMax),
  lapseAfterDays,
});
export type LoyaltyProgramme = z.infer<typeof loyaltyProgrammeSchema>;

/** A manager's change to the programme: any subset; the rest stays. Applies from the next bill on. */
export const loyaltyProgrammeUpdateSchema = z.partial(loyaltyProgrammeSchema);
export type LoyaltyProgrammeUpdate = z.infer<typeof loyaltyProgrammeUpdateSchema>;

export const pointsAdjustmentMax = 1_000_000;
export const adjustmentReasonMaxLength = 500;

/** A manager's hand adjustment of a guest's points: signed, never zero, always with a reason. */
export const pointsAdjustmentRequestSchema = z.object({
  points: z.number("a whole number of points, not 0").check(
    z.int("a whole number of points, not 0"),
    z.gte(-pointsAdjustmentMax, `at most ${pointsAdjustmentMax} either way`),
    z.lte(pointsAdjustmentMax, `at most ${pointsAdjustmentMax} either way`),
    z.refine((points: number) => points !== 0, "a whole number of points, not 0"),
  ),
  reason: z
    .string("required")
    .check(
      z.trim(),
      z.minLength(1, "required"),
      z.maxLength(adjustmentReasonMaxLength, `too long (${adjustmentReasonMaxLength} characters at most)`),
    ),
});
export type PointsAdjustmentRequest = z.infer<typeof pointsAdjustmentRequestSchema>;

export const pointsAdjustmentResponseSchema = z.object({ balance: z.number() });
export type PointsAdjustmentResponse = z.infer<typeof pointsAdjustmentResponseSchema>;

/** One period of the programme's figures. Points are whole; money in minor units. */
export const programmePeriodFiguresSchema = z.object({
  /** Points credited: earned on bills, welcome, birthday, and hand adjustments upwards. */
  pointsIssued: z.number(),
  /** Points that paid bills. */
  pointsSpent: z.number(),
  /** Points that lapsed for lack of visits. */
  pointsLapsed: z.number(),
  /** Net change of balances by refunds (points given back minus points taken back). */
  pointsRefunded: z.number(),
  /** Points taken by hand adjustments downwards. */
  pointsAdjustedDown: z.number(),
  /** Bills of card holders (refunded ones excluded) and their average total. */
  bills: z.number(),
  averageBill: z.number(),
});
export type ProgrammePeriodFigures = z.infer<typeof programmePeriodFiguresSchema>;

export const programmeFiguresSchema = z.object({
  /** Points held by guests now: the restaurant's liability. */
  pointsOutstanding: z.number(),
  today: programmePeriodFiguresSchema,
  last7Days: programmePeriodFiguresSchema,
  last30Days: programmePeriodFiguresSchema,
});
export type ProgrammeFigures = z.infer<typeof programmeFiguresSchema>;
