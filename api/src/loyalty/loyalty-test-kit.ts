// What the points tests share: guests identified at a till (real cards, the real identify function),
// purchases and refunds through the domain functions the routes call, and the database's own view of
// a guest's points (the balance row, the sum of the ledger, the last running balance).
import { randomUUID } from "node:crypto";
import type { PurchaseInput } from "@guestcard/shared";
import { purchaseRequestSchema } from "@guestcard/shared";
import { sql } from "drizzle-orm";
import { registerGuests } from "../card/card-test-fixtures";
import { issueCard } from "../card/cards";
import { type Database, selectRows } from "../db/client";
import { identifyAtTill } from "../pos/identify";
import { safeInteger } from "./safe-integer";
import { recordPurchase, refundPurchase } from "./till-payments";

export interface IdentifiedGuest {
  accountId: string;
  telegramUserId: number;
  /** What identify answered as `identification.id`. */
  identificationId: string;
}

/** Registered guests, each with a card read at `terminal`: ready for bills. */
export async function identifiedGuests(
  db: Database,
  count: number,
  options: { firstTelegramId: number; terminal?: string; identificationTtlSeconds?: number },
): Promise<IdentifiedGuest[]> {
  const guests = await registerGuests(db, count, { firstTelegramId: options.firstTelegramId });
  const identified: IdentifiedGuest[] = [];
  for (const guest of guests) {
    identified.push({
      accountId: guest.accountId,
      telegramUserId: guest.user.id,
      identificationId: await identify(db, guest.accountId, options),
    });
  }
  return identified;
}

/** A fresh card for the account, read at the till: the identification id. */
export async function identify(
  db: Database,
  accountId: string,
  options: { terminal?: string; identificationTtlSeconds?: number } = {},
): Promise<string> {
  const card = await issueCard(db, { accountId }, { seconds: 300 });
  if (!card) throw new Error("no card issued");
  const result = await identifyAtTill(
    db,
    options.terminal ?? "till-1",
    { kind: "pin", digits: card.pin },
    undefined,
    options.identificationTtlSeconds,
  );
  if (result.outcome !== "identified") throw new Error(`identify answered ${result.outcome}`);
  return result.response.identification.id;
}

/** A purchase as the route will make it: the body validated by the shared schema first. */
export function purchase(
  db: Database,
  input: PurchaseInput,
  options: { terminal?: string; idempotencyKey?: string } = {},
) {
  return recordPurchase(db, {
    terminal: options.terminal ?? "till-1",
    idempotencyKey: options.idempotencyKey ?? randomUUID(),
    request: purchaseRequestSchema.parse(input),
  });
}

export function refund(
  db: Database,
  purchaseId: string,
  options: { terminal?: string; idempotencyKey?: string } = {},
) {
  return refundPurchase(db, {
    terminal: options.terminal ?? "till-1",
    idempotencyKey: options.idempotencyKey ?? randomUUID(),
    purchaseId,
  });
}

export interface PointsView {
  /** The balance row (0 when the guest has none yet). */
  balanceRow: number;
  /** The sum of the guest's movements. */
  ledgerSum: number;
  /** The running balance after the guest's latest movement (0 when there is none). */
  lastBalanceAfter: number;
  movements: number;
}

/** The database's three accounts of one guest's points, which must always agree. */
export async function pointsOf(db: Database, accountId: string): Promise<PointsView> {
  const [row] = await selectRows<{
    balance_row: string | number;
    ledger_sum: string | number;
    last_balance_after: string | number;
    movements: string | number;
  }>(
    db,
    sql`select
          coalesce((select balance from loyalty_balances where account_id = ${accountId}::uuid), 0) as balance_row,
          coalesce((select sum(points) from loyalty_movements where account_id = ${accountId}::uuid), 0) as ledger_sum,
          coalesce((select balance_after from loyalty_movements where account_id = ${accountId}::uuid
                     order by at desc, id desc limit 1), 0) as last_balance_after,
          (select count(*) from loyalty_movements where account_id = ${accountId}::uuid) as movements`,
  );
  if (!row) throw new Error("no row");
  return {
    balanceRow: safeInteger(row.balance_row),
    ledgerSum: safeInteger(row.ledger_sum),
    lastBalanceAfter: safeInteger(row.last_balance_after),
    movements: safeInteger(row.movements),
  };
}

/**
 * Every running balance in the guest's ledger equals the one before plus the movement's points:
 * the ledger tells one consistent story, in order. Answers the first row where it does not.
 */
export async function brokenRunningBalance(db: Database, accountId: string): Promise<unknown> {
  const [row] = await selectRows<Record<string, unknown>>(
    db,
    sql`select * from (
          select id, kind, points, balance_after,
                 lag(balance_after, 1, 0::bigint) over (order by at, id) as before
            from loyalty_movements where account_id = ${accountId}::uuid) steps
         where balance_after <> before + points
         limit 1`,
  );
  return row ?? null;
}

/**
 * The balance row's money-paid-per-month (what tiers go by) agrees with the guest's bills not
 * refunded, month by month, over the window it keeps. Answers the first month where it does not.
 */
export async function brokenMonthlySpend(db: Database, accountId: string): Promise<unknown> {
  const [row] = await selectRows<Record<string, unknown>>(
    db,
    sql`with kept as (
          select unnest(spent_months) as month, unnest(spent_amounts) as amount
            from loyalty_balances where account_id = ${accountId}::uuid
        ), bills as (
          select guestcard_month_of(at) as month, sum(paid) as amount
            from loyalty_purchases where account_id = ${accountId}::uuid and refunded_at is null
           group by 1 having sum(paid) <> 0
        )
        select coalesce(kept.month, bills.month) as month, kept.amount as kept, bills.amount as bills
          from kept full join bills on bills.month = kept.month
         where coalesce(kept.month, bills.month) >= guestcard_month_of(now()) - 12
           and kept.amount is distinct from bills.amount
         limit 1`,
  );
  return row ?? null;
}

/** Makes the guest's identifications older, as if they were read `seconds` ago (the database's clock). */
export async function ageIdentifications(db: Database, accountId: string, seconds: number): Promise<void> {
  await db.execute(sql`update card_identifications
    set at = at - make_interval(secs => ${seconds}), valid_until = valid_until - make_interval(secs => ${seconds})
    where account_id = ${accountId}::uuid`);
}
