import { type SQL, sql } from "drizzle-orm";
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import { type Database, selectRows } from "../db/client";

/**
 * Prometheus metrics. Business totals (cards, identifications, reviews, updates) are read from the
 * database at scrape time, so every instance behind a load balancer reports the same, true figures;
 * only what happens inside one process (HTTP latency, duplicates skipped) is counted in memory.
 */
export function createMetrics(db: Database) {
  const registry = new Registry();

  const httpDuration = new Histogram({
    name: "guestcard_http_request_duration_seconds",
    help: "HTTP request latency by route",
    labelNames: ["method", "route", "status"] as const,
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const duplicateUpdates = new Counter({
    name: "guestcard_webhook_duplicate_updates_total",
    help: "Telegram updates skipped because their update_id was already processed",
    registers: [registry],
  });

  const fromDatabase = (name: string, help: string, query: SQL, labelNames: string[] = []) =>
    new Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      async collect() {
        this.reset();
        const rows = await selectRows<{ label?: string; value: number | string | null }>(db, query);
        for (const row of rows) {
          const value = Number(row.value ?? 0);
          if (labelNames[0] && row.label !== undefined) this.set({ [labelNames[0]]: row.label }, value);
          else this.set(value);
        }
      },
    });

  fromDatabase(
    "guestcard_cards_issued_total",
    "Virtual cards issued",
    sql`select count(*) as value from cards`,
  );
  fromDatabase(
    "guestcard_card_identifications_total",
    "Identification attempts at the tills, by outcome",
    sql`select outcome as label, count(*) as value from card_identifications group by outcome`,
    ["outcome"],
  );
  fromDatabase(
    "guestcard_reviews_total",
    "Reviews by delivery state (queued = waiting for Telegram)",
    sql`select case when delivered_at is null then 'queued' else 'delivered' end as label, count(*) as value
        from reviews group by 1`,
    ["state"],
  );
  fromDatabase(
    "guestcard_outbox_jobs",
    "Outbox jobs by status (failed = kept for a retry once the setting is fixed)",
    sql`select status as label, count(*) as value from outbox_jobs group by status`,
    ["status"],
  );
  fromDatabase(
    "guestcard_delivery_lag_seconds",
    "Age of the oldest message still waiting to reach Telegram",
    sql`select coalesce(extract(epoch from now() - min(created_at)), 0) as value from outbox_jobs where status <> 'done'`,
  );
  fromDatabase(
    "guestcard_webhook_updates_processed_total",
    "Telegram updates processed (each update_id once)",
    sql`select count(*) as value from processed_updates`,
  );

  return {
    registry,
    observeRequest(method: string, route: string, status: number, seconds: number) {
      httpDuration.observe({ method, route, status: String(status) }, seconds);
    },
    countDuplicateUpdate() {
      duplicateUpdates.inc();
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
