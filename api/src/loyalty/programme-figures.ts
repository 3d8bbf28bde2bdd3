import type { ProgrammeFigures, ProgrammePeriodFigures } from "@guestcard/shared";
import { sql } from "drizzle-orm";
import { type Database, selectRows } from "../db/client";
import { safeInteger } from "./safe-integer";

type DatabaseInteger = number | string | bigint;

const periods = ["today", "last7Days", "last30Days"] as const;
type Period = (typeof periods)[number];

interface PeriodRow {
  period: Period;
  issued: DatabaseInteger;
  spent: DatabaseInteger;
  lapsed: DatabaseInteger;
  refunded: DatabaseInteger;
  adjusted_down: DatabaseInteger;
  bills: DatabaseInteger;
  bill_total: DatabaseInteger;
}

/**
 * What the programme costs, for managers: points issued, spent, lapsed (and the refunds' and hand
 * adjustments' share) and card holders' bills, for today (since midnight on the database's clock),
 * the last 7 and the last 30 days; and the points guests hold now — the restaurant's liability.
 * Each period is one range scan of the ledger's and the bills' time indexes.
 */
export async function readProgrammeFigures(db: Database): Promise<ProgrammeFigures> {
  const rows = await selectRows<PeriodRow>(
    db,
    sql`with bounds(period, since) as (values
          ('today', date_trunc('day', now())),
          ('last7Days', now() - interval '7 days'),
          ('last30Days', now() - interval '30 days'))
        select b.period,
               coalesce(sum(m.points) filter (where m.points > 0 and m.kind <> 'refund'), 0)::bigint as issued,
               coalesce(-sum(m.points) filter (where m.kind = 'redeem'), 0)::bigint as spent,
               coalesce(-sum(m.points) filter (where m.kind = 'expire'), 0)::bigint as lapsed,
               coalesce(sum(m.points) filter (where m.kind = 'refund'), 0)::bigint as refunded,
               coalesce(-sum(m.points) filter (where m.kind = 'adjust' and m.points < 0), 0)::bigint as adjusted_down,
               (select count(*) from loyalty_purchases p where p.at >= b.since and p.refunded_at is null)::bigint as bills,
               (select coalesce(sum(p.total), 0) from loyalty_purchases p where p.at >= b.since and p.refunded_at is null)::bigint as bill_total
          from bounds b
          left join loyalty_movements m on m.at >= b.since
         group by b.period, b.since`,
  );
  const [outstanding] = await selectRows<{ points: DatabaseInteger }>(
    db,
    sql`select coalesce(sum(balance), 0)::bigint as points from loyalty_balances where balance > 0`,
  );
  const byPeriod = new Map(rows.map((row) => [row.period, toFigures(row)]));
  const figuresOf = (period: Period) => {
    const figures = byPeriod.get(period);
    if (!figures) throw new Error(`no figures for ${period}`);
    return figures;
  };
  return {
    pointsOutstanding: safeInteger(outstanding?.points ?? 0),
    today: figuresOf("today"),
    last7Days: figuresOf("last7Days"),
    last30Days: figuresOf("last30Days"),
  };
}

function toFigures(row: PeriodRow): ProgrammePeriodFigures {
  const bills = safeInteger(row.bills);
  const billTotal = safeInteger(row.bill_total);
  return {
    pointsIssued: safeInteger(row.issued),
    pointsSpent: safeInteger(row.spent),
    pointsLapsed: safeInteger(row.lapsed),
    pointsRefunded: safeInteger(row.refunded),
    pointsAdjustedDown: safeInteger(row.adjusted_down),
    bills,
    // Whole minor units, rounded down: money is never a fraction, not even an average.
    averageBill: bills === 0 ? 0 : (billTotal - (billTotal % bills)) / bills,
  };
}
