import { randomUUID } from "node:crypto";
import { and, asc, eq, inArray, isNull, lt, or, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { outboxJobs } from "../db/schema";
import type { Logger } from "../logger";
import { DeferJob, LeaseLostError, type OutboxHandler, type OutboxJob } from "./outbox";
import { classifyFailure } from "./telegram-failure";

export interface OutboxWorkerTiming {
  /** How often an idle worker looks for due jobs (a `wake()` skips the wait). */
  pollIntervalMs: number;
  /** How long a claim keeps other workers off a job; renewed while the job runs. */
  leaseMs: number;
  /** First retry delay after a 5xx or a network error; doubles with each failure. */
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** How long a job waits after Telegram refused it outright (chat not found, bot kicked). */
  permanentRetryMs: number;
}

export const defaultOutboxTiming: OutboxWorkerTiming = {
  pollIntervalMs: 1000,
  leaseMs: 60_000,
  backoffBaseMs: 1000,
  backoffMaxMs: 10 * 60_000,
  permanentRetryMs: 10 * 60_000,
};

export interface OutboxWorkerOptions {
  db: Database;
  logger: Logger;
  /** One handler per job kind; jobs of other kinds are left for whoever can handle them. */
  handlers: Record<string, OutboxHandler>;
  timing?: Partial<OutboxWorkerTiming>;
}

export type OutboxWorker = ReturnType<typeof createOutboxWorker>;

/** `last_error` prefix of a job Telegram refused outright (see DeliveryFailure). */
const refusedPrefix = "permanent:";

/**
 * Makes the jobs Telegram refused outright due at once. Called at start: a restart is how an
 * operator applies a fixed setting (MANAGER_CHAT_ID), so those jobs should not sit out their wait.
 */
export async function retryRefusedJobsNow(db: Database, kinds: readonly string[]): Promise<number> {
  if (kinds.length === 0) return 0;
  const due = await db
    .update(outboxJobs)
    .set({ runAt: sql`now()` })
    .where(
      and(
        eq(outboxJobs.status, "pending"),
        inArray(outboxJobs.kind, [...kinds]),
        sql`${outboxJobs.lastError} like ${`${refusedPrefix}%`}`,
      ),
    )
    .returning({ id: outboxJobs.id });
  return due.length;
}

/**
 * Delivers outbox jobs, one at a time, at least once. Any number of workers (in any number of
 * server processes) may share a database:
 * - a job is claimed with `FOR UPDATE SKIP LOCKED` and a lease (`locked_until` plus a fresh
 *   `lease_token`), so two workers never run it at once; a worker that dies mid-job (SIGKILL) simply
 *   lets its lease run out and another worker, or the restarted one, takes the job over;
 * - every write about a claimed job is fenced by its lease token, so a worker that lost its lease
 *   cannot mark the job done or overwrite the new owner's progress;
 * - a job is done only after its handler returned, i.e. after Telegram answered ok, in the same
 *   transaction as the handler's own bookkeeping (the message ids).
 */
export function createOutboxWorker(options: OutboxWorkerOptions) {
  const timing = { ...defaultOutboxTiming, ...options.timing };
  const { db, logger, handlers } = options;
  const kinds = Object.keys(handlers);

  let stopping = false;
  let loop: Promise<void> | undefined;
  let wakeSleeper: (() => void) | undefined;
  let wakeRequested = false;

  /** Claims the next due job, or the job `onlyId` if it is due and nobody holds it. */
  async function claimNext(onlyId?: number): Promise<(OutboxJob & { leaseToken: string }) | undefined> {
    if (kinds.length === 0) return undefined;
    const leaseToken = randomUUID();
    const due = db
      .select({ id: outboxJobs.id })
      .from(outboxJobs)
      .where(
        and(
          onlyId === undefined ? undefined : eq(outboxJobs.id, onlyId),
          eq(outboxJobs.status, "pending"),
          inArray(outboxJobs.kind, kinds),
          sql`${outboxJobs.runAt} <= clock_timestamp()`,
          or(isNull(outboxJobs.lockedUntil), sql`${outboxJobs.lockedUntil} < clock_timestamp()`),
        ),
      )
      .orderBy(asc(outboxJobs.runAt), asc(outboxJobs.id))
      .limit(1)
      .for("update", { skipLocked: true });
    const [row] = await db
      .update(outboxJobs)
      .set({ leaseToken, lockedUntil: leaseEnd() })
      .where(inArray(outboxJobs.id, due))
      .returning();
    if (!row) return undefined;
    return {
      id: row.id,
      kind: row.kind,
      payload: row.payload,
      attempts: row.attempts,
      progress: row.result ?? null,
      leaseToken,
    };
  }

  function leaseEnd() {
    return sql`clock_timestamp() + ${timing.leaseMs}::int * interval '1 millisecond'`;
  }

  const ours = (job: { id: number; leaseToken: string }) =>
    and(eq(outboxJobs.id, job.id), eq(outboxJobs.leaseToken, job.leaseToken));

  /** Puts the job back for a later attempt; `failed` counts it as an attempt. */
  async function release(
    job: { id: number; leaseToken: string },
    runAt: Date | { delayMs: number },
    lastError: string | null,
    failed: boolean,
  ) {
    await db
      .update(outboxJobs)
      .set({
        // Delays count on the database's clock, which every worker shares.
        runAt:
          runAt instanceof Date
            ? runAt
            : sql`clock_timestamp() + ${Math.round(runAt.delayMs)}::int * interval '1 millisecond'`,
        lockedUntil: null,
        leaseToken: null,
        ...(lastError !== null ? { lastError } : {}),
        ...(failed ? { attempts: sql`${outboxJobs.attempts} + 1` } : {}),
      })
      .where(ours(job));
  }

  async function run(job: OutboxJob & { leaseToken: string }) {
    const handler = handlers[job.kind];
    if (!handler) return;
    // A job may take longer than one lease (several parts, a slow Telegram): keep renewing it.
    const heartbeat = setInterval(
      () => {
        db.update(outboxJobs)
          .set({ lockedUntil: leaseEnd() })
          .where(ours(job))
          .catch((error: unknown) =>
            logger.warn(
              { jobId: job.id, error: classifyFailure(error).description },
              "outbox: lease renewal failed",
            ),
          );
      },
      Math.max(10, Math.floor(timing.leaseMs / 3)),
    );
    try {
      const outcome = await handler(job, {
        saveProgress: async (progress) => {
          const saved = await db
            .update(outboxJobs)
            .set({ result: progress, lockedUntil: leaseEnd() })
            .where(ours(job))
            .returning({ id: outboxJobs.id });
          if (saved.length === 0) throw new LeaseLostError(job.id);
        },
      });
      await db.transaction(async (tx) => {
        const done = await tx
          .update(outboxJobs)
          .set({
            status: "done",
            doneAt: sql`now()`,
            result: outcome.result,
            lockedUntil: null,
            leaseToken: null,
            lastError: null,
          })
          .where(ours(job))
          .returning({ id: outboxJobs.id });
        if (done.length === 0) throw new LeaseLostError(job.id);
        await outcome.onDone?.(tx);
      });
      logger.info({ jobId: job.id, kind: job.kind, attempts: job.attempts + 1 }, "outbox: delivered");
    } catch (error) {
      await handleFailure(job, error);
    } finally {
      clearInterval(heartbeat);
    }
  }

  async function handleFailure(job: OutboxJob & { leaseToken: string }, error: unknown) {
    if (error instanceof LeaseLostError) {
      logger.warn({ jobId: job.id, kind: job.kind }, "outbox: lease lost; another worker has the job");
      return;
    }
    if (error instanceof DeferJob) {
      logger.debug(
        { jobId: job.id, kind: job.kind, until: error.until, reason: error.reason },
        "outbox: deferred",
      );
      await release(job, error.until, null, false);
      if (error.options.holdKind) {
        await db
          .update(outboxJobs)
          .set({ runAt: error.until })
          .where(
            and(
              eq(outboxJobs.kind, job.kind),
              eq(outboxJobs.status, "pending"),
              lt(outboxJobs.runAt, error.until),
              or(isNull(outboxJobs.lockedUntil), sql`${outboxJobs.lockedUntil} < clock_timestamp()`),
            ),
          );
      }
      return;
    }
    const failure = classifyFailure(error);
    const attempt = job.attempts + 1;
    const context = { jobId: job.id, kind: job.kind, attempt, error: failure.description };
    let delayMs: number;
    if (failure.kind === "rate_limited") {
      delayMs = failure.retryAfterMs;
      logger.warn({ ...context, retryAfterMs: delayMs }, "outbox: Telegram asked us to slow down");
    } else if (failure.kind === "transient") {
      const exponential = Math.min(timing.backoffMaxMs, timing.backoffBaseMs * 2 ** (attempt - 1));
      // ±20 % jitter, so workers that failed together do not retry in lockstep.
      delayMs = Math.round(exponential * (0.8 + Math.random() * 0.4));
      logger.warn({ ...context, retryInMs: delayMs }, "outbox: delivery failed, will retry");
    } else {
      delayMs = timing.permanentRetryMs;
      // Loud on purpose: nothing reaches the managers until someone fixes this.
      logger.error(
        { ...context, hint: failure.hint, retryInMs: delayMs },
        "outbox: Telegram refused the delivery; kept, and retried later — fix the cause",
      );
    }
    try {
      const lastError = `${failure.kind === "permanent" ? refusedPrefix : `${failure.kind}:`} ${failure.description}`;
      await release(job, { delayMs }, lastError, true);
    } catch (releaseError) {
      // The lease runs out by itself and the job is picked up again: nothing is lost.
      logger.error(
        { jobId: job.id, error: classifyFailure(releaseError).description },
        "outbox: could not reschedule the job",
      );
    }
  }

  /** Claims and runs one due job; false when there was none. */
  async function runOnce(): Promise<boolean> {
    const job = await claimNext();
    if (!job) return false;
    await run(job);
    return true;
  }

  function sleep(ms: number): Promise<void> {
    if (wakeRequested) {
      wakeRequested = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wakeSleeper = undefined;
        resolve();
      }
      wakeSleeper = done;
    });
  }

  async function work() {
    while (!stopping) {
      let ranJob = false;
      try {
        ranJob = await runOnce();
      } catch (error) {
        // The database is away (a restart, a network blip): wait a poll and try again.
        logger.error({ error: classifyFailure(error).description }, "outbox: could not claim a job");
      }
      if (!ranJob && !stopping) await sleep(timing.pollIntervalMs);
    }
  }

  return {
    kinds,
    start() {
      if (loop || kinds.length === 0) return;
      stopping = false;
      loop = work();
    },
    /** Looks for due jobs now instead of at the next poll (a review was just stored). */
    wake() {
      if (wakeSleeper) wakeSleeper();
      else wakeRequested = true;
    },
    /** Stops claiming; resolves once the job in flight, if any, has finished. */
    async stop() {
      stopping = true;
      wakeSleeper?.();
      await loop;
      loop = undefined;
    },
    runOnce,
    /**
     * Delivers these jobs now, one after the other in the caller's time, each if it is due and no
     * worker holds it: a bot's replies right after their update committed, a manager's test broadcast
     * or decision, so nobody waits for a poll. Whatever goes wrong is the job's to retry (the worker
     * takes it up again), never the caller's error.
     */
    async runJobsNow(ids: readonly number[]): Promise<void> {
      for (const id of ids) {
        try {
          const job = await claimNext(id);
          if (job) await run(job);
        } catch (error) {
          logger.warn(
            { jobId: id, error: classifyFailure(error).description },
            "outbox: left for the worker",
          );
        }
      }
    },
  };
}
