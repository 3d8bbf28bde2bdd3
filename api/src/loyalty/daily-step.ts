import { sql } from "drizzle-orm";
import { type Database, selectRows } from "../db/client";
import type { Logger } from "../logger";
import { creditBirthdayPoints, lapseIdlePoints } from "./programme-points";

/** A claim older than this whose step never finished (its process died) may be taken over. */
const takeOverAfterSeconds = 30 * 60;
/** Days missed while no process ran (a long outage) whose birthdays are still credited. */
const catchUpDays = 7;
/** How often each process looks whether today's step has run: one cheap statement. */
const defaultCheckIntervalMs = 10 * 60 * 1000;

/** The restaurant's date (YYYY-MM-DD) at `now`, for a restaurant `utcOffsetMinutes` east of UTC. */
export function restaurantDay(now: Date, utcOffsetMinutes: number): string {
  return new Date(now.getTime() + utcOffsetMinutes * 60_000).toISOString().slice(0, 10);
}

function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Claims `day`'s step for this process: a row in `loyalty_daily_steps`, whose primary key decides
 * between processes (migration 0007). A claim whose process died before finishing is taken over after
 * `takeOverAfterSeconds`. True when this process is to run the step.
 */
async function claimDay(db: Database, day: string): Promise<boolean> {
  const rows = await selectRows<{ day: string }>(
    db,
    sql`insert into loyalty_daily_steps (day) values (${day}::date)
        on conflict (day) do update set started_at = now()
         where loyalty_daily_steps.finished_at is null
           and loyalty_daily_steps.started_at < now() - make_interval(secs => ${takeOverAfterSeconds})
        returning day::text as day`,
  );
  return rows.length > 0;
}

async function finishDay(db: Database, day: string, birthdays: number, lapsed: number | null) {
  await db.execute(sql`update loyalty_daily_steps
    set finished_at = now(), birthdays = ${birthdays}, lapsed = ${lapsed}
    where day = ${day}::date`);
}

export interface DailyStepRun {
  day: string;
  birthdays: number;
  /** null for a day caught up after an outage: lapses are looked at once, for today. */
  lapsed: number | null;
}

/**
 * The programme's daily step for `today` (the restaurant's date), run by at most one process: the
 * birthday points of the day, then lapses (docs/decisions/015-points-ledger.md). Days missed since
 * the last step (up to a week, while no process ran) get their birthday points first. Returns what
 * this call ran; nothing when another process has run, or is running, today's step. The steps
 * themselves are idempotent too, so even a step run twice credits and lapses nothing twice.
 */
export async function runDueDailySteps(db: Database, today: string): Promise<DailyStepRun[]> {
  const [last] = await selectRows<{ day: string | null }>(
    db,
    sql`select max(day)::text as day from loyalty_daily_steps where day < ${today}::date`,
  );
  const runs: DailyStepRun[] = [];
  if (last?.day) {
    const from = [addDays(last.day, 1), addDays(today, -catchUpDays)].sort().at(-1) ?? today;
    for (let day = from; day < today; day = addDays(day, 1)) {
      if (!(await claimDay(db, day))) continue;
      const birthdays = await creditBirthdayPoints(db, day);
      await finishDay(db, day, birthdays, null);
      runs.push({ day, birthdays, lapsed: null });
    }
  }
  if (await claimDay(db, today)) {
    const birthdays = await creditBirthdayPoints(db, today);
    const lapsed = await lapseIdlePoints(db);
    await finishDay(db, today, birthdays, lapsed);
    runs.push({ day: today, birthdays, lapsed });
  }
  return runs;
}

export interface DailyStepScheduler {
  /** Runs the due steps now, then looks again every `checkIntervalMs`. */
  start(): void;
  /** Stops looking; waits for a step in flight to finish. */
  stop(): Promise<void>;
}

/**
 * Starts the programme's daily step in this process (main.ts): at start, and then every few minutes,
 * it runs the restaurant day's step unless another process already did (`runDueDailySteps`). A
 * failure (the database briefly away) is logged and retried at the next look.
 */
export function createDailyStepScheduler(deps: {
  db: Database;
  logger: Logger;
  utcOffsetMinutes: number;
  checkIntervalMs?: number;
  now?: () => Date;
}): DailyStepScheduler {
  const interval = deps.checkIntervalMs ?? defaultCheckIntervalMs;
  const now = deps.now ?? (() => new Date());
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;

  const tick = async () => {
    try {
      const runs = await runDueDailySteps(deps.db, restaurantDay(now(), deps.utcOffsetMinutes));
      for (const run of runs) deps.logger.info(run, "loyalty: daily step done");
    } catch (error) {
      deps.logger.warn({ err: error }, "loyalty: daily step failed; retrying at the next look");
    }
  };
  const schedule = () => {
    if (stopped) return;
    running = tick().finally(() => {
      running = undefined;
      if (!stopped) timer = setTimeout(schedule, interval);
    });
  };

  return {
    start() {
      stopped = false;
      schedule();
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
