import {
  type LoyaltyResponse,
  loyaltyHistoryPageSize,
  type PointMovement,
  type PointMovementKind,
} from "@guestcard/shared";
import { sql } from "drizzle-orm";
import { type Database, selectRows } from "../db/client";
import { safeInteger } from "./safe-integer";

type DatabaseInteger = number | string | bigint;

interface StandingRow {
  balance: DatabaseInteger;
  spent: DatabaseInteger;
  tier_name: string;
  earn_percent: number;
  max_redeem_percent: number;
  next_tier_name: string | null;
  next_tier_threshold: DatabaseInteger | null;
}

/** A guest's balance, tier and the programme's percents: read from the balance row and their own bills. */
export async function readStanding(db: Database, accountId: string) {
  const [row] = await selectRows<StandingRow>(
    db,
    sql`select * from guestcard_loyalty_standing(${accountId}::uuid)`,
  );
  if (!row) throw new Error("guestcard_loyalty_standing returned no row");
  const spent = safeInteger(row.spent);
  const nextThreshold = row.next_tier_threshold === null ? null : safeInteger(row.next_tier_threshold);
  return {
    balance: safeInteger(row.balance),
    tier: {
      name: row.tier_name,
      earnPercent: Number(row.earn_percent),
      spent,
      nextTier:
        row.next_tier_name !== null && nextThreshold !== null
          ? { name: row.next_tier_name, spentToReach: nextThreshold, remaining: nextThreshold - spent }
          : null,
    },
    maxRedeemPercent: Number(row.max_redeem_percent),
  };
}

interface HistoryRow {
  at_ms: number;
  kind: PointMovementKind;
  points: DatabaseInteger;
  balance_after: DatabaseInteger;
  check_id: string | null;
  total: DatabaseInteger | null;
  terminal: string | null;
  has_older: boolean;
}

/**
 * `GET /api/loyalty` (docs/api.md) for a registered guest: balance and tier without reading the
 * ledger (the balance row holds the balance and the money paid per month), then a page of the
 * history, newest first. A page holds at least `limit` movements and every movement that shares the
 * last one's time (a bill's redeem and earn), so paging by time never splits a bill or skips a row;
 * `nextBefore` is that time (movement times are whole milliseconds, so the ISO string is exact).
 */
export async function readGuestLoyalty(
  db: Database,
  accountId: string,
  options: { before?: string; limit?: number } = {},
): Promise<LoyaltyResponse> {
  const limit = options.limit ?? loyaltyHistoryPageSize;
  const before = options.before ?? null;
  const standing = await readStanding(db, accountId);
  const rows = await selectRows<HistoryRow>(
    db,
    sql`with page as (
          select m.at from loyalty_movements m
           where m.account_id = ${accountId}::uuid and (${before}::timestamptz is null or m.at < ${before}::timestamptz)
           order by m.at desc, m.id desc
           limit ${limit}::integer
        ), oldest as (select min(at) as at from page)
        select (extract(epoch from m.at) * 1000)::float8 as at_ms, m.kind, m.points, m.balance_after,
               p.check_id, p.total, m.terminal,
               exists (select 1 from loyalty_movements older
                        where older.account_id = ${accountId}::uuid and older.at < oldest.at) as has_older
          from oldest
          join loyalty_movements m on m.account_id = ${accountId}::uuid and m.at >= oldest.at
               and (${before}::timestamptz is null or m.at < ${before}::timestamptz)
          left join loyalty_purchases p on p.id = m.purchase_id
         order by m.at desc, m.id desc`,
  );
  const history: PointMovement[] = rows.map((row) => ({
    at: new Date(Math.round(Number(row.at_ms))).toISOString(),
    kind: row.kind,
    points: safeInteger(row.points),
    checkId: row.check_id,
    total: row.total === null ? null : safeInteger(row.total),
    terminal: row.terminal,
    balanceAfter: safeInteger(row.balance_after),
  }));
  const last = history.at(-1);
  return {
    ...standing,
    history,
    nextBefore: last && rows[0]?.has_older ? last.at : null,
  };
}
