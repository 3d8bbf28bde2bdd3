import type { Database } from "../db/client";
import { outboxJobs } from "../db/schema";

/**
 * The transactional outbox: work that must reach Telegram is written as a job in the same
 * transaction as the change that causes it (a review, a reply), so it cannot be lost between "the
 * guest saw sent" and "the managers got it". The worker (outbox-worker.ts) delivers it afterwards.
 */

/** A drizzle transaction, or the database itself: jobs are enqueued inside the caller's transaction. */
export type DatabaseOrTransaction = Database | Parameters<Parameters<Database["transaction"]>[0]>[0];

export async function enqueueJob(
  db: DatabaseOrTransaction,
  kind: string,
  payload: Record<string, unknown>,
): Promise<number> {
  const [job] = await db.insert(outboxJobs).values({ kind, payload }).returning({ id: outboxJobs.id });
  if (!job) throw new Error("insert returned no outbox job");
  return job.id;
}

/** A job as a handler sees it, once this worker holds its lease. */
export interface OutboxJob {
  id: number;
  kind: string;
  payload: Record<string, unknown>;
  /** Failed attempts so far. */
  attempts: number;
  /** What earlier attempts saved with `saveProgress` (null on the first attempt). */
  progress: Record<string, unknown> | null;
}

export interface JobContext {
  /**
   * Records what has been done so far (the message ids of the parts already sent), so an attempt
   * after a crash or an error continues instead of repeating. Also renews the lease.
   * Throws `LeaseLostError` when another worker has taken the job over.
   */
  saveProgress(progress: Record<string, unknown>): Promise<void>;
}

export interface JobOutcome {
  /** Kept on the job row (e.g. the chat and message ids Telegram gave). */
  result: Record<string, unknown>;
  /** Writes that belong with "done", committed in the same transaction as the job's completion. */
  onDone?: (tx: DatabaseOrTransaction) => Promise<void>;
}

export type OutboxHandler = (job: OutboxJob, context: JobContext) => Promise<JobOutcome>;

/**
 * Not a failure: the job cannot run yet (a chat's send pacing is used up). The worker puts it back
 * until `until` without counting an attempt. `holdKind` puts back every due job of the same kind
 * too, when they all wait for the same thing (every review goes to the one managers' chat), so
 * the worker does not claim and release each of them in turn.
 */
export class DeferJob extends Error {
  constructor(
    readonly until: Date,
    readonly reason: string,
    readonly options: { holdKind?: boolean } = {},
  ) {
    super(`deferred until ${until.toISOString()}: ${reason}`);
  }
}

/** Another worker took the job over after this one's lease ran out: stop touching it. */
export class LeaseLostError extends Error {
  constructor(jobId: number) {
    super(`lost the lease on outbox job ${jobId}`);
  }
}
