import type { BroadcastSegment } from "@guestcard/shared";
import { type SQL, sql } from "drizzle-orm";
import { type Database, selectRows } from "../db/client";
import { restaurantDay } from "../loyalty/daily-step";
import type { DatabaseOrTransaction } from "../outbox/outbox";

/**
 * Who a broadcast may reach: registered guests (an account linked to a Telegram user) whose latest
 * marketing choice is a yes and whose private chat with the bot is known — nobody else, whatever the
 * segment. This is the ONE place that says so: the preview counts with it and the list is frozen
 * with it, in one statement (docs/decisions/024-broadcasts.md). `a` is the account, `tu` its user.
 */
function eligibleGuests(segment: BroadcastSegment, context: SegmentContext): SQL {
  // "The latest marketing choice is a yes", said as a set: a yes with no later choice after it (in
  // the order the history is read: time, then id). Asked per guest with `order by … limit 1`, it was
  // a million index probes for a million guests, 10.6 s; as an anti-join PostgreSQL hashes the
  // consents once, 1.4 s (api/bench/broadcast-bench.ts). A guest with no choice at all is a no.
  return sql`from accounts a
    join telegram_users tu on tu.account_id = a.id
    where tu.private_chat_at is not null
      and exists (select 1 from consents c
                   where c.account_id = a.id and c.kind = 'marketing' and c.granted
                     and not exists (select 1 from consents later
                                      where later.account_id = c.account_id and later.kind = 'marketing'
                                        and (later.recorded_at, later.id) > (c.recorded_at, c.id)))
      and ${segmentCondition(segment, context)}`;
}

export interface SegmentContext {
  /** This month (1–12) in the restaurant's time zone, for `birthday_month`. */
  month: number;
}

function segmentCondition(segment: BroadcastSegment, context: SegmentContext): SQL {
  switch (segment.kind) {
    case "all":
      return sql`true`;
    case "source":
      // First touch: the source the user first arrived through. An unknown code reaches nobody.
      return sql`tu.source_id = (select s.id from sources s where s.code = ${segment.code})`;
    case "inactive":
      // Not identified at a till for `days` days, or never.
      return sql`not exists (select 1 from card_identifications ci
        where ci.account_id = a.id and ci.outcome = 'identified'
          and ci.at > now() - make_interval(days => ${segment.days}::integer))`;
    case "birthday_month":
      return sql`extract(month from a.birthday) = ${context.month}::integer`;
    case "tier":
      // The tier as a bill would see it now (migration 0006: money paid in the last 12 months).
      return sql`(guestcard_loyalty_tier_of(guestcard_loyalty_programme(),
          coalesce((select guestcard_spent_since(b.spent_months, b.spent_amounts, guestcard_month_of(now()) - 12)
                      from loyalty_balances b where b.account_id = a.id), 0))).name = ${segment.name}`;
  }
}

/** How many guests the segment reaches now: the same query the list is frozen with. */
export async function countRecipients(
  db: Database,
  segment: BroadcastSegment,
  context: SegmentContext,
): Promise<number> {
  const [row] = await selectRows<{ count: number | string }>(
    db,
    sql`select count(*) as count ${eligibleGuests(segment, context)}`,
  );
  return Number(row?.count ?? 0);
}

/** Writes the broadcast's recipient list, in the caller's transaction; returns its length. */
export async function freezeRecipients(
  tx: DatabaseOrTransaction,
  broadcastId: string,
  segment: BroadcastSegment,
  context: SegmentContext,
): Promise<number> {
  const rows = await selectRows<{ count: number | string }>(
    tx as Database,
    sql`with frozen as (
          insert into broadcast_recipients (broadcast_id, account_id, chat_id, language_code)
          select ${broadcastId}::uuid, a.id, tu.id, tu.language_code ${eligibleGuests(segment, context)}
          returning 1)
        select count(*) as count from frozen`,
  );
  return Number(rows[0]?.count ?? 0);
}

/** This month (1–12) in `timeZone`. */
export function monthIn(timeZone: string, now = new Date()): number {
  return Number(restaurantDay(timeZone, now).slice(5, 7));
}
