import type { ErrorEnvelope, PurchaseResponse, RefundResponse } from "@guestcard/shared";
import { sql } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, testDatabaseKind } from "../../test/test-database";
import { type Database, type DatabaseConnection, selectRows } from "../db/client";
import { updateLoyaltyProgramme } from "../settings/settings";
import { adjustPoints } from "./adjustments";
import {
  brokenMonthlySpend,
  brokenRunningBalance,
  type IdentifiedGuest,
  identifiedGuests,
  pointsOf,
  purchase,
  refund,
} from "./loyalty-test-kit";
import type { TillAnswer } from "./till-payments";

/**
 * Model-based: random sequences of bills, redemptions, refunds, hand adjustments, replays and
 * concurrent duplicates, run against the real database and against the simple model below, which
 * knows nothing of SQL. After every step the guest's balance must be the model's, the sum of their
 * movements and the balance row; it may be negative only after a refund; and at the end no
 * Idempotency-Key has had two effects.
 */

interface ModelPurchase {
  id: string;
  guest: number;
  redeemed: number;
  earned: number;
  paid: number;
  refunded: boolean;
}

type SentRequest =
  | {
      kind: "purchase";
      terminal: string;
      key: string;
      guest: number;
      total: number;
      redeem: number;
      checkId: string;
    }
  | { kind: "refund"; terminal: string; key: string; purchaseId: string };

interface Model {
  tiers: Array<{ threshold: number; earnPercent: number }>;
  maxRedeemPercent: number;
  balances: number[];
  /** Money paid on bills not refunded, per guest: what the tier goes by. */
  spent: number[];
  purchases: ModelPurchase[];
  /** Answers stored under `terminal/key`. */
  answers: Map<string, { request: SentRequest; status: number; bodyText: string }>;
  sent: SentRequest[];
  successfulPurchases: number;
  successfulRefunds: number;
}

interface Real {
  db: Database;
  guests: IdentifiedGuest[];
  run: number;
  nextKey: number;
}

const terminals = ["till-1", "bar"] as const;

const floorDivide = (dividend: number, divisor: number) => (dividend - (dividend % divisor)) / divisor;

function earnPercentFor(model: Model, guest: number): number {
  let percent = model.tiers[0]!.earnPercent;
  for (const tier of model.tiers) if (model.spent[guest]! >= tier.threshold) percent = tier.earnPercent;
  return percent;
}

function sameRequest(left: SentRequest, right: SentRequest): boolean {
  if (left.kind === "purchase" && right.kind === "purchase") {
    return (
      left.guest === right.guest &&
      left.total === right.total &&
      left.redeem === right.redeem &&
      left.checkId === right.checkId
    );
  }
  return left.kind === "refund" && right.kind === "refund" && left.purchaseId === right.purchaseId;
}

function codeOf(answer: TillAnswer<unknown>): string | undefined {
  return (answer.body as ErrorEnvelope).error?.code;
}

async function send(
  real: Real,
  request: SentRequest,
): Promise<TillAnswer<PurchaseResponse | RefundResponse>> {
  if (request.kind === "purchase") {
    return purchase(
      real.db,
      {
        identificationId: real.guests[request.guest]!.identificationId,
        checkId: request.checkId,
        total: request.total,
        redeem: request.redeem,
      },
      { terminal: request.terminal, idempotencyKey: request.key },
    );
  }
  return refund(real.db, request.purchaseId, { terminal: request.terminal, idempotencyKey: request.key });
}

/**
 * What the model expects of a request and how it changes: returns the guests whose balance changed.
 * A known key with the same request is a replay of the stored answer; with another, a 409.
 */
function expectAnswer(
  model: Model,
  request: SentRequest,
  answer: TillAnswer<PurchaseResponse | RefundResponse>,
): number[] {
  const stored = model.answers.get(`${request.terminal}/${request.key}`);
  if (stored) {
    if (sameRequest(stored.request, request)) {
      expect([answer.status, answer.bodyText, answer.replayed], "a replay answers the first answer").toEqual([
        stored.status,
        stored.bodyText,
        true,
      ]);
    } else {
      expect([answer.status, codeOf(answer)]).toEqual([409, "idempotency_key_reused"]);
    }
    return [];
  }
  expect(answer.replayed).toBe(false);
  const remember = () => {
    model.answers.set(`${request.terminal}/${request.key}`, {
      request,
      status: answer.status,
      bodyText: answer.bodyText,
    });
    model.sent.push(request);
  };
  if (request.kind === "purchase") {
    const { guest, total, redeem } = request;
    const redeemable = floorDivide(total * model.maxRedeemPercent, 10_000);
    const balance = model.balances[guest]!;
    remember();
    if (redeem > redeemable) {
      expect([answer.status, codeOf(answer)]).toEqual([422, "validation_failed"]);
      return [];
    }
    if (redeem > 0 && balance < redeem) {
      expect([answer.status, codeOf(answer)]).toEqual([409, "insufficient_points"]);
      return [];
    }
    const paid = total - redeem * 100;
    const earned = floorDivide(paid * earnPercentFor(model, guest), 10_000);
    model.balances[guest] = balance - redeem + earned;
    expect(answer.status, answer.bodyText).toBe(201);
    const body = answer.body as PurchaseResponse;
    expect({ ...body.purchase, id: undefined, at: undefined }).toEqual({
      id: undefined,
      at: undefined,
      checkId: request.checkId,
      total,
      redeemed: redeem,
      paid,
      earned,
      terminal: request.terminal,
    });
    expect(body.balance).toBe(model.balances[guest]);
    model.spent[guest]! += paid;
    model.purchases.push({ id: body.purchase.id, guest, redeemed: redeem, earned, paid, refunded: false });
    model.successfulPurchases++;
    return [guest];
  }
  remember();
  const bill = model.purchases.find((candidate) => candidate.id === request.purchaseId);
  if (!bill) {
    expect([answer.status, codeOf(answer)]).toEqual([404, "purchase_not_found"]);
    return [];
  }
  if (bill.refunded) {
    expect([answer.status, codeOf(answer)]).toEqual([409, "already_refunded"]);
    return [];
  }
  bill.refunded = true;
  model.spent[bill.guest]! -= bill.paid;
  model.balances[bill.guest]! += bill.redeemed - bill.earned;
  expect(answer.status, answer.bodyText).toBe(200);
  const body = answer.body as RefundResponse;
  expect([body.refund.purchaseId, body.refund.points, body.balance]).toEqual([
    bill.id,
    bill.redeemed - bill.earned,
    model.balances[bill.guest],
  ]);
  model.successfulRefunds++;
  return [bill.guest];
}

/** The database agrees with the model, and with itself, for these guests. */
async function expectAgreement(
  model: Model,
  real: Real,
  guests: number[],
  before: number[],
  byRefund: boolean,
) {
  for (const guest of guests) {
    const view = await pointsOf(real.db, real.guests[guest]!.accountId);
    const balance = model.balances[guest]!;
    expect(
      { balanceRow: view.balanceRow, ledgerSum: view.ledgerSum },
      "the balance row and the ledger's sum equal the model's balance",
    ).toEqual({ balanceRow: balance, ledgerSum: balance });
    if (view.movements > 0) expect(view.lastBalanceAfter).toBe(balance);
    expect(await brokenRunningBalance(real.db, real.guests[guest]!.accountId)).toBeNull();
    expect(await brokenMonthlySpend(real.db, real.guests[guest]!.accountId)).toBeNull();
    // Below zero only through a refund: any other step leaves a negative balance no lower than it was.
    if (!byRefund && balance < 0) expect(balance).toBeGreaterThanOrEqual(before[guest]!);
  }
}

const freshKey = (real: Real) => `run${real.run}-key${real.nextKey++}`;

class PurchaseCommand implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly guest: number,
    readonly total: number,
    readonly redeemShare: number,
    readonly terminal: number,
    readonly reuseKey: number | null,
  ) {}
  check = () => true;
  async run(model: Model, real: Real) {
    const guest = this.guest % real.guests.length;
    const balance = Math.max(model.balances[guest]!, 0);
    // Mostly what the guest can afford, sometimes more than the balance or the bill's share.
    const redeem = Math.min(Math.floor((balance * this.redeemShare) / 100), 1_000_000);
    const reused =
      this.reuseKey === null || model.sent.length === 0
        ? null
        : model.sent[this.reuseKey % model.sent.length]!;
    const request: SentRequest = {
      kind: "purchase",
      terminal: reused?.terminal ?? terminals[this.terminal % terminals.length]!,
      key: reused?.key ?? freshKey(real),
      guest,
      total: this.total,
      redeem,
      checkId: `R-${this.total}`,
    };
    const before = [...model.balances];
    const changed = expectAnswer(model, request, await send(real, request));
    await expectAgreement(model, real, changed.length > 0 ? changed : [guest], before, false);
  }
  toString = () =>
    `purchase(guest ${this.guest}, ${this.total}, ${this.redeemShare}% of balance, key ${this.reuseKey ?? "new"})`;
}

class RefundCommand implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly purchase: number,
    readonly terminal: number,
    readonly reuseKey: number | null,
  ) {}
  check = (model: Readonly<Model>) => model.purchases.length > 0;
  async run(model: Model, real: Real) {
    const bill = model.purchases[this.purchase % model.purchases.length]!;
    const reused = this.reuseKey === null ? null : model.sent[this.reuseKey % model.sent.length]!;
    const request: SentRequest = {
      kind: "refund",
      terminal: reused?.terminal ?? terminals[this.terminal % terminals.length]!,
      key: reused?.key ?? freshKey(real),
      purchaseId: bill.id,
    };
    const before = [...model.balances];
    expectAnswer(model, request, await send(real, request));
    await expectAgreement(model, real, [bill.guest], before, true);
  }
  toString = () => `refund(purchase ${this.purchase}, key ${this.reuseKey ?? "new"})`;
}

class ReplayCommand implements fc.AsyncCommand<Model, Real> {
  constructor(readonly request: number) {}
  check = (model: Readonly<Model>) => model.sent.length > 0;
  async run(model: Model, real: Real) {
    const request = model.sent[this.request % model.sent.length]!;
    const before = [...model.balances];
    expect(expectAnswer(model, request, await send(real, request))).toEqual([]);
    const guest =
      request.kind === "purchase"
        ? request.guest
        : model.purchases.find((bill) => bill.id === request.purchaseId)?.guest;
    if (guest !== undefined) await expectAgreement(model, real, [guest], before, false);
  }
  toString = () => `replay(${this.request})`;
}

class ConcurrentDuplicatesCommand implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly guest: number,
    readonly total: number,
    readonly copies: number,
  ) {}
  check = () => true;
  async run(model: Model, real: Real) {
    const guest = this.guest % real.guests.length;
    const request: SentRequest = {
      kind: "purchase",
      terminal: "till-1",
      key: freshKey(real),
      guest,
      total: this.total,
      redeem: Math.min(
        Math.max(model.balances[guest]!, 0),
        floorDivide(this.total * model.maxRedeemPercent, 10_000),
      ),
      checkId: `D-${this.total}`,
    };
    const answers = await Promise.all(Array.from({ length: this.copies }, () => send(real, request)));
    expect(new Set(answers.map((answer) => answer.bodyText)).size, "every copy gets the one answer").toBe(1);
    expect(
      answers.filter((answer) => !answer.replayed),
      "one copy had the effect",
    ).toHaveLength(1);
    const before = [...model.balances];
    const first = answers.find((answer) => !answer.replayed)!;
    expectAnswer(model, request, first);
    await expectAgreement(model, real, [guest], before, false);
  }
  toString = () => `${this.copies} concurrent copies of purchase(guest ${this.guest}, ${this.total})`;
}

class AdjustCommand implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly guest: number,
    readonly points: number,
  ) {}
  check = () => true;
  async run(model: Model, real: Real) {
    const guest = this.guest % real.guests.length;
    const before = [...model.balances];
    const result = await adjustPoints(real.db, {
      accountId: real.guests[guest]!.accountId,
      points: this.points,
      reason: "property",
      managerTelegramId: 9,
    });
    const balance = model.balances[guest]!;
    if (this.points < 0 && balance + this.points < 0) {
      expect(result).toEqual({ outcome: "insufficient_points", balance });
    } else {
      model.balances[guest] = balance + this.points;
      expect(result).toEqual({ outcome: "posted", balance: model.balances[guest] });
    }
    await expectAgreement(model, real, [guest], before, false);
  }
  toString = () => `adjust(guest ${this.guest}, ${this.points})`;
}

const guestsPerRun = 3;
const total = fc.oneof(fc.integer({ min: 1, max: 2_000 }), fc.integer({ min: 1, max: 500_000 }));
const keyChoice = fc.option(fc.nat(), { freq: 4 });

const commands = fc.commands(
  [
    fc
      .tuple(fc.nat(), total, fc.integer({ min: 0, max: 150 }), fc.nat(), keyChoice)
      .map(
        ([guest, amount, share, terminal, reuse]) =>
          new PurchaseCommand(guest, amount, share, terminal, reuse),
      ),
    fc
      .tuple(fc.nat(), fc.nat(), keyChoice)
      .map(([bill, terminal, reuse]) => new RefundCommand(bill, terminal, reuse)),
    fc.nat().map((request) => new ReplayCommand(request)),
    fc
      .tuple(fc.nat(), total, fc.integer({ min: 2, max: 6 }))
      .map(([guest, amount, copies]) => new ConcurrentDuplicatesCommand(guest, amount, copies)),
    fc
      .tuple(
        fc.nat(),
        fc.integer({ min: -300, max: 300 }).filter((points) => points !== 0),
      )
      .map(([guest, points]) => new AdjustCommand(guest, points)),
  ],
  { maxCommands: 25 },
);

const programme = fc.record({
  baseEarnPercent: fc.integer({ min: 0, max: 100 }),
  upperEarnPercent: fc.integer({ min: 0, max: 100 }),
  upperThreshold: fc.integer({ min: 1, max: 600_000 }),
  maxRedeemPercent: fc.integer({ min: 0, max: 100 }),
});

describe(`the ledger against a model (${testDatabaseKind})`, () => {
  // One database for all runs: each run has guests and keys of its own, so runs cannot see each other.
  let database: DatabaseConnection;
  let run = 0;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.close());

  it("keeps balance = model = Σ movements = balance row, never negative but by a refund, one effect per key", {
    timeout: 240_000,
  }, async () => {
    await fc.assert(
      fc.asyncProperty(programme, commands, async (settings, steps) => {
        run++;
        const db = database.db;
        const tiers = [
          { name: "Base", threshold: 0, earnPercent: settings.baseEarnPercent },
          { name: "Upper", threshold: settings.upperThreshold, earnPercent: settings.upperEarnPercent },
        ];
        await updateLoyaltyProgramme(db, { tiers, maxRedeemPercent: settings.maxRedeemPercent });
        const guests = await identifiedGuests(db, guestsPerRun, { firstTelegramId: 1_000_000 + run * 10 });
        const model: Model = {
          tiers,
          maxRedeemPercent: settings.maxRedeemPercent,
          balances: guests.map(() => 0),
          spent: guests.map(() => 0),
          purchases: [],
          answers: new Map(),
          sent: [],
          successfulPurchases: 0,
          successfulRefunds: 0,
        };
        const real: Real = { db, guests, run, nextKey: 0 };
        await fc.asyncModelRun(() => ({ model, real }), steps);

        // No key had two effects: the bills and refunds made are exactly the model's successes.
        const accountIds = guests.map((guest) => guest.accountId);
        const [effects] = await selectRows<{ purchases: number; refunds: number; keyed_purchases: number }>(
          db,
          sql`select
                (select count(*)::int from loyalty_purchases where account_id in ${accountIds}) as purchases,
                (select count(*)::int from loyalty_movements where kind = 'refund' and account_id in ${accountIds}) as refunds,
                (select count(distinct purchase_id)::int from pos_idempotency_keys
                  where key like ${`run${run}-%`} and operation = 'purchase' and status = 201) as keyed_purchases`,
        );
        expect(effects).toEqual({
          purchases: model.successfulPurchases,
          refunds: model.successfulRefunds,
          keyed_purchases: model.successfulPurchases,
        });
      }),
      { numRuns: 40 },
    );
  });
});
