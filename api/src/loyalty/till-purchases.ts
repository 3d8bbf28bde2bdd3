import { type TillPurchaseListResponse, tillPurchasePageSize } from "@guestcard/shared";
import { sql } from "drizzle-orm";
import { type Database, selectRows } from "../db/client";
import { displayName } from "../pos/identify";
import { safeInteger } from "./safe-integer";

type DatabaseInteger = number | string | bigint;

interface TillPurchaseRow {
  id: string;
  check_id: string;
  total: DatabaseInteger;
  redeemed: DatabaseInteger;
  paid: DatabaseInteger;
  earned: DatabaseInteger;
  at_ms: number;
  terminal: string;
  refunded_at_ms: number | null;
  first_name: string | null;
  last_name: string | null;
  has_older: boolean;
}

const iso = (ms: number) => new Date(Math.round(Number(ms))).toISOString();

/**
 * `GET /api/pos/purchases` (docs/api.md): the terminal's own bills, newest first — a range scan of
 * `loyalty_purchases_terminal_idx (terminal, at)`. A page holds at least `limit` bills and every bill
 * sharing the last one's time, so paging by time (`nextBefore`) never skips one. Bill times are whole
 * milliseconds, so the ISO string is exact.
 */
export async function listTillPurchases(
  db: Database,
  terminal: string,
  options: { before?: string; limit?: number } = {},
): Promise<TillPurchaseListResponse> {
  const limit = options.limit ?? tillPurchasePageSize;
  const before = options.before ?? null;
  const rows = await selectRows<TillPurchaseRow>(
    db,
    sql`with page as (
          select p.at from loyalty_purchases p
           where p.terminal = ${terminal} and (${before}::timestamptz is null or p.at < ${before}::timestamptz)
           order by p.at desc
           limit ${limit}::integer
        ), oldest as (select min(at) as at from page)
        select p.id::text as id, p.check_id, p.total, p.redeemed, p.paid, p.earned,
               (extract(epoch from p.at) * 1000)::float8 as at_ms, p.terminal,
               (extract(epoch from p.refunded_at) * 1000)::float8 as refunded_at_ms,
               a.first_name, a.last_name,
               exists (select 1 from loyalty_purchases older
                        where older.terminal = ${terminal} and older.at < oldest.at) as has_older
          from oldest
          join loyalty_purchases p on p.terminal = ${terminal} and p.at >= oldest.at
               and (${before}::timestamptz is null or p.at < ${before}::timestamptz)
          left join accounts a on a.id = p.account_id
         order by p.at desc, p.id desc`,
  );
  const purchases = rows.map((row) => ({
    id: row.id,
    checkId: row.check_id,
    total: safeInteger(row.total),
    redeemed: safeInteger(row.redeemed),
    paid: safeInteger(row.paid),
    earned: safeInteger(row.earned),
    at: iso(row.at_ms),
    terminal: row.terminal,
    refundedAt: row.refunded_at_ms === null ? null : iso(row.refunded_at_ms),
    guestName: row.first_name === null ? null : displayName(row.first_name, row.last_name ?? ""),
  }));
  const last = purchases.at(-1);
  return { purchases, nextBefore: last && rows[0]?.has_older ? last.at : null };
}
