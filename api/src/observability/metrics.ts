import { sql } from "drizzle-orm";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import { type Database, selectRows } from "../db/client";

/** How a Telegram update ended: handled, failed in a feature (logged), or skipped as a re-delivery. */
export type UpdateResult = "handled" | "failed" | "duplicate";

/**
 * One scrape's worth of business figures, read in one statement. Outbox states: `pending` (not yet
 * tried or waiting for its turn), `retrying` (failed at least once, will retry), `refused` (Telegram
 * refused it outright; retried rarely until someone fixes the cause), `done`.
 */
interface BusinessFigures {
  cards_issued: number | string;
  cards_live: number | string;
  identifications: Record<string, number> | null;
  reviews_received: number | string;
  reviews_waiting: number | string;
  outbox: Record<string, number> | null;
  outbox_failed_attempts: Record<string, number> | null;
  delivery_lag_seconds: number | string | null;
}

const businessFiguresQuery = sql`
  select
    (select count(*) from cards) as cards_issued,
    (select count(*) from cards where revoked_at is null and expires_at > now()) as cards_live,
    (select json_object_agg(outcome, n) from
      (select outcome, count(*) as n from card_identifications group by outcome) as by_outcome) as identifications,
    (select count(*) from reviews) as reviews_received,
    (select count(*) from reviews where delivered_at is null) as reviews_waiting,
    (select json_object_agg(state, n) from
      (select case
          when status = 'done' then 'done'
          when status = 'failed' then 'failed'
          when last_error like 'permanent:%' then 'refused'
          when attempts > 0 then 'retrying'
          else 'pending' end as state,
        count(*) as n
       from outbox_jobs group by 1) as by_state) as outbox,
    (select json_object_agg(kind, n) from
      (select kind, sum(attempts) as n from outbox_jobs group by kind) as by_kind) as outbox_failed_attempts,
    (select extract(epoch from now() - min(created_at)) from outbox_jobs where status = 'pending')
      as delivery_lag_seconds`;

/**
 * Prometheus metrics, in two kinds:
 * - business figures (cards, identifications, reviews, the delivery queue) are read from the
 *   database at scrape time, so they survive restarts and every instance behind a load balancer
 *   reports the same, true figure: aggregate them across instances with `max`, not `sum`;
 * - what happens inside one process (HTTP latency, Telegram updates handled and re-deliveries
 *   skipped, Node's own figures) is counted in memory: `sum` those across instances.
 */
export function createMetrics(db: Database) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "guestcard_" });

  const httpDuration = new Histogram({
    name: "guestcard_http_request_duration_seconds",
    help: "HTTP request latency by route pattern (never the raw path), method and status",
    labelNames: ["method", "route", "status"] as const,
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const telegramUpdates = new Counter({
    name: "guestcard_telegram_updates_total",
    help: "Telegram updates received by this process: handled, failed in a feature, or duplicate (an update_id already processed, skipped)",
    labelNames: ["result"] as const,
    registers: [registry],
  });
  for (const result of ["handled", "failed", "duplicate"] as const) telegramUpdates.inc({ result }, 0);

  // One database read per scrape, shared by every metric below: a scrape starts by forgetting the
  // last one, and each metric's collect() picks up the read the first of them started.
  let figures: Promise<BusinessFigures | undefined> | undefined;
  const readFigures = () => {
    figures ??= selectRows<BusinessFigures>(db, businessFiguresQuery).then(
      ([row]) => row,
      // The database is away: collect() keeps the last figures and `guestcard_database_up` says so.
      () => undefined,
    );
    return figures;
  };

  // A figure read from the database: a counter when it only grows (rows are only added, but for a
  // guest's data deletion), else a gauge. `value` picks the figure out of the row.
  const fromDatabase = (
    kind: "counter" | "gauge",
    name: string,
    help: string,
    value: (row: BusinessFigures) => number | Record<string, number> | null,
    label?: string,
  ) => {
    const labelNames = label ? [label] : [];
    async function collect(this: Counter<string> | Gauge<string>) {
      const row = await readFigures();
      // The database is away: keep the last figures rather than drop to 0, which Prometheus would
      // read as a counter reset (and the return as a burst); `guestcard_database_up` says they are stale.
      if (!row) return;
      this.reset();
      const set = (labels: Record<string, string>, amount: number) => {
        if (this instanceof Counter) this.inc(labels, amount);
        else this.set(labels, amount);
      };
      const figure = value(row);
      if (typeof figure === "number") set({}, figure);
      else if (label)
        for (const [key, amount] of Object.entries(figure ?? {})) set({ [label]: key }, Number(amount));
    }
    const options = { name, help, labelNames, registers: [registry], collect };
    return kind === "counter" ? new Counter(options) : new Gauge(options);
  };

  fromDatabase("counter", "guestcard_cards_issued_total", "Virtual cards issued", (row) =>
    Number(row.cards_issued),
  );
  fromDatabase("gauge", "guestcard_cards_live", "Virtual cards that a till would accept now", (row) =>
    Number(row.cards_live),
  );
  fromDatabase(
    "counter",
    "guestcard_card_identifications_total",
    "Identification attempts at the tills by outcome: identified, not_found and invalid_code (misses), rate_limited",
    (row) => row.identifications,
    "outcome",
  );
  fromDatabase(
    "counter",
    "guestcard_reviews_received_total",
    "Reviews stored (each queued for the managers' chat)",
    (row) => Number(row.reviews_received),
  );
  fromDatabase(
    "gauge",
    "guestcard_reviews_waiting",
    "Reviews stored but not yet delivered to the managers' chat",
    (row) => Number(row.reviews_waiting),
  );
  fromDatabase(
    "gauge",
    "guestcard_outbox_jobs",
    "Messages for Telegram by state: pending, retrying (failed before), refused (Telegram refused them; fix the cause), done",
    (row) => row.outbox,
    "state",
  );
  fromDatabase(
    "counter",
    "guestcard_outbox_failed_attempts_total",
    "Failed attempts to deliver a message to Telegram (each is retried), by job kind",
    (row) => row.outbox_failed_attempts,
    "kind",
  );
  fromDatabase(
    "gauge",
    "guestcard_delivery_lag_seconds",
    "Age of the oldest message still waiting to reach Telegram (0 when none waits)",
    (row) => Number(row.delivery_lag_seconds ?? 0),
  );
  new Gauge({
    name: "guestcard_database_up",
    help: "1 when the database answered this scrape's query, else 0 (the business figures are then the last known)",
    registers: [registry],
    async collect() {
      this.set((await readFigures()) ? 1 : 0);
    },
  });

  return {
    registry,
    contentType: registry.contentType,
    /** The Prometheus text exposition of every metric, with the business figures read afresh. */
    render: () => {
      figures = undefined;
      return registry.metrics();
    },
    observeRequest(method: string, route: string, status: number, seconds: number) {
      httpDuration.observe({ method, route, status: String(status) }, seconds);
    },
    countUpdate(result: UpdateResult) {
      telegramUpdates.inc({ result });
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
