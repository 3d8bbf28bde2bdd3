import {
  type FunnelCounts,
  funnelRow,
  funnelSteps,
  type StatsPeriod,
  type StatsResponse,
} from "@guestcard/shared";
import { and, gte, lte, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { sourceEvents, sources } from "../db/schema";

const dayMs = 24 * 60 * 60 * 1000;

/**
 * Where a period starts. "today" is the manager's calendar day (their UTC offset); 7 and 30 days
 * are rolling windows ending now; "all" has no start.
 */
export function periodStart(period: StatsPeriod, now: Date, utcOffsetMinutes: number): Date | null {
  switch (period) {
    case "today": {
      const offsetMs = utcOffsetMinutes * 60_000;
      const localMidnight = Math.floor((now.getTime() + offsetMs) / dayMs) * dayMs;
      return new Date(localMidnight - offsetMs);
    }
    case "7d":
      return new Date(now.getTime() - 7 * dayMs);
    case "30d":
      return new Date(now.getTime() - 30 * dayMs);
    case "all":
      return null;
  }
}

const emptyCounts = (): FunnelCounts => ({ started: 0, phone_shared: 0, registered: 0, first_visit: 0 });

/**
 * The funnel per source and in total: how many guests reached each step within the period.
 * Each guest counts at most once per step, for the source they first arrived through (attribution.ts).
 *
 * One GROUP BY over `source_events`; the `(at, source_id, kind)` index makes it an index-only scan
 * for the shorter periods. Sources without events in the period are listed with zeros, except
 * archived ones, which only appear while they still bring guests.
 */
export async function funnelStats(
  db: Database,
  period: StatsPeriod,
  options: { now?: Date; utcOffsetMinutes?: number } = {},
): Promise<StatsResponse> {
  const now = options.now ?? new Date();
  const from = periodStart(period, now, options.utcOffsetMinutes ?? 0);
  const counted = await db
    .select({
      sourceId: sourceEvents.sourceId,
      kind: sourceEvents.kind,
      count: sql<number>`count(*)::int`,
    })
    .from(sourceEvents)
    .where(and(from ? gte(sourceEvents.at, from) : undefined, lte(sourceEvents.at, now)))
    .groupBy(sourceEvents.sourceId, sourceEvents.kind);
  const allSources = await db.select().from(sources).orderBy(sources.id);

  const bySource = new Map<number, FunnelCounts>();
  const total = emptyCounts();
  for (const row of counted) {
    const counts = bySource.get(row.sourceId) ?? emptyCounts();
    counts[row.kind] += Number(row.count);
    total[row.kind] += Number(row.count);
    bySource.set(row.sourceId, counts);
  }

  return {
    period,
    from: from?.toISOString() ?? null,
    to: now.toISOString(),
    total: funnelRow(total),
    sources: allSources
      .filter((source) => source.archivedAt === null || bySource.has(source.id))
      .map((source) => ({
        id: source.id,
        code: source.code,
        name: source.name,
        archived: source.archivedAt !== null,
        ...funnelRow(bySource.get(source.id) ?? emptyCounts()),
      }))
      // Busiest first: the sources that bring guests are what a manager looks for.
      .sort((a, b) => b.counts.started - a.counts.started || a.id - b.id),
  };
}

/** The same figures as a spreadsheet: one row per source and a total row. */
export function funnelCsv(stats: StatsResponse): string {
  const percent = (value: number | null) => (value === null ? "" : (value * 100).toFixed(1));
  const header = [
    "source_code",
    "source_name",
    ...funnelSteps,
    "phone_shared_of_started_pct",
    "registered_of_phone_shared_pct",
    "first_visit_of_registered_pct",
    "first_visit_of_started_pct",
  ];
  const row = (code: string, name: string, figures: (typeof stats)["total"]) => [
    code,
    name,
    ...funnelSteps.map((step) => String(figures.counts[step])),
    percent(figures.conversion.phone_shared),
    percent(figures.conversion.registered),
    percent(figures.conversion.first_visit),
    percent(figures.overall),
  ];
  const rows = [
    header,
    ...stats.sources.map((source) => row(source.code, source.name, source)),
    row("", "Total", stats.total),
  ];
  // CRLF, as RFC 4180 and spreadsheets expect.
  return `${rows.map((cells) => cells.map(csvCell).join(",")).join("\r\n")}\r\n`;
}

/**
 * Quotes a cell when needed, and defuses a name a manager typed that a spreadsheet would run as a
 * formula (`=HYPERLINK(…)`): such a cell gets a leading apostrophe.
 */
function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}
