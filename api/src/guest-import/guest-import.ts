import { createHash, randomUUID } from "node:crypto";
import { promisify } from "node:util";
import { gunzip, gzip } from "node:zlib";
import {
  type GuestImportPreview,
  type GuestImportResponse,
  guestImportMaxErrors,
  guestImportMaxRecords,
  guestImportPreviewRows,
} from "@guestcard/shared";
import { sql } from "drizzle-orm";
import { type Database, selectRows } from "../db/client";
import { accounts, guestImportRuns } from "../db/schema";
import { ApiError } from "../errors";
import type { Logger } from "../logger";
import { type NewAccount, type ReadLimits, readGuestBase, yieldToOthers } from "./read-guest-base";

/**
 * Accounts per statement. Each batch is one statement that inserts the accounts and moves the run's
 * progress together, so it is written whole or not at all; between batches the import yields, so a
 * till's identify waits for one batch at most (api/bench/import-bench.ts measures it).
 */
export const guestImportBatchSize = 1000;

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/** How long a run stays with the worker that holds it without a batch committed. */
const leaseSeconds = 15;

export const guestImportLimits: ReadLimits = {
  maxRecords: guestImportMaxRecords,
  maxErrors: guestImportMaxErrors,
};

/**
 * What `POST /api/manager/accounts/import` would do with the same bytes, with nothing written: the
 * mapping of the header, the first good records as they will be stored, and the counts. A phone
 * that already has an account counts as skipped, as the import would skip it.
 */
export async function previewGuestImport(db: Database, bytes: Uint8Array): Promise<GuestImportPreview> {
  const base = await readGuestBase(bytes, guestImportLimits);
  let existing = 0;
  for (let start = 0; start < base.accounts.length; start += 5000) {
    const phones = base.accounts.slice(start, start + 5000).map(({ account }) => account.phone);
    const [row] = await selectRows<{ count: number | string }>(
      db,
      sql`select count(*) as count from ${accounts}
          where phone in (select value from json_array_elements_text(${JSON.stringify(phones)}::json))`,
    );
    existing += Number(row?.count ?? 0);
    await yieldToOthers();
  }
  return {
    encoding: base.encoding,
    delimiter: base.delimiter,
    columns: base.columns.map(({ header, column }) => ({ header, column: column ?? null })),
    records: base.records,
    rows: base.accounts.slice(0, guestImportPreviewRows).map(({ line, account }) => ({ line, ...account })),
    create: base.accounts.length - existing,
    skip: base.repeats + existing,
    errors: base.errors,
    errorCount: base.errorCount,
  };
}

/**
 * Imports a restaurant's guest base (docs/api.md, `POST /api/manager/accounts/import`). Good records
 * are created as accounts of origin `import`; a phone that already has an account, or that an
 * earlier record of the same file already brought, is skipped (never overwriting what a guest
 * entered); a bad record is reported with the physical line where it starts and the rest goes on.
 * The run is recorded with its file first, then written in batches: a crash part-way leaves a run
 * that `resumeGuestImports` finishes (docs/decisions/018-resumable-guest-imports.md).
 */
export async function importGuests(
  db: Database,
  bytes: Uint8Array,
  options: { startedBy?: number; logger?: Logger } = {},
): Promise<GuestImportResponse> {
  const base = await readGuestBase(bytes, guestImportLimits);
  const answer = { errors: base.errors, errorCount: base.errorCount };
  if (base.accounts.length === 0) return { created: 0, skipped: base.repeats, ...answer };
  const leaseToken = randomUUID();
  const [run] = await db
    .insert(guestImportRuns)
    .values({
      // Compressed on the thread pool, not in the event loop: a CSV shrinks to a fifth or less.
      file: await gzipAsync(bytes, { level: 1 }),
      fileSha256: createHash("sha256").update(bytes).digest("hex"),
      accountsTotal: base.accounts.length,
      skipped: base.repeats,
      errorCount: base.errorCount,
      errors: base.errors,
      startedBy: options.startedBy ?? null,
      leaseToken,
      leaseUntil: sql`now() + make_interval(secs => ${leaseSeconds})`,
    })
    .returning({ id: guestImportRuns.id });
  if (!run) throw new Error("the import run was not recorded");
  const totals = await writeRun(db, { id: run.id, leaseToken, from: 0 }, base.accounts, options.logger);
  if (!totals) {
    // Another worker took the run over (this one stalled past its lease): it finishes the import.
    throw new ApiError(
      "unavailable",
      "The import is being finished by another server process; check again later.",
    );
  }
  return { ...totals, ...answer };
}

interface HeldRun {
  id: number;
  leaseToken: string;
  /** Accounts of the run already written. */
  from: number;
}

/**
 * Writes a run's accounts from `from` on, a batch per statement, and marks it done. Each statement
 * inserts its accounts only while this worker still holds the run at the expected progress, and
 * moves the progress in the same statement, so no batch is written twice or half. Undefined when
 * the run was taken over by another worker.
 */
async function writeRun(
  db: Database,
  run: HeldRun,
  base: ReadonlyArray<{ account: NewAccount }>,
  logger?: Logger,
  shouldStop: () => boolean = () => false,
): Promise<{ created: number; skipped: number } | undefined> {
  for (let start = run.from; start < base.length; start += guestImportBatchSize) {
    if (shouldStop()) return undefined;
    const batch = base.slice(start, start + guestImportBatchSize).map(({ account }) => account);
    const end = start + batch.length;
    const moved = await selectRows<{ id: number }>(
      db,
      sql`
        with run as (
          select id from ${guestImportRuns}
          where id = ${run.id} and lease_token = ${run.leaseToken} and accounts_done = ${start} and status = 'running'
          for update
        ), inserted as (
          insert into ${accounts} (phone, last_name, first_name, middle_name, gender, birthday, email, origin)
          select phone, last_name, first_name, middle_name, gender, birthday, email, 'import'
          from json_to_recordset(${JSON.stringify(batch)}::json)
            as imported(phone text, last_name text, first_name text, middle_name text, gender text, birthday date, email text)
          where exists (select 1 from run)
          on conflict (phone) do nothing
          returning 1
        )
        update ${guestImportRuns}
        set accounts_done = ${end},
            created = created + (select count(*) from inserted),
            skipped = skipped + ${batch.length} - (select count(*) from inserted),
            lease_until = now() + make_interval(secs => ${leaseSeconds})
        where id in (select id from run)
        returning id`,
    );
    if (moved.length === 0) return undefined;
    logger?.debug({ run: run.id, done: end, total: base.length }, "guest import: batch committed");
    await yieldToOthers();
  }
  const [done] = await selectRows<{ created: number; skipped: number }>(
    db,
    sql`update ${guestImportRuns}
        set status = 'done', file = null, lease_token = null, lease_until = null, finished_at = now()
        where id = ${run.id} and lease_token = ${run.leaseToken}
        returning created, skipped`,
  );
  return done ? { created: Number(done.created), skipped: Number(done.skipped) } : undefined;
}

/**
 * Takes up runs a crash cut off (docs/decisions/018-resumable-guest-imports.md): reads each one's
 * file again and writes it on from its last committed batch. `exclusive` (PGlite: this process owns
 * the database) takes at once every unfinished run begun before it started; on PostgreSQL a run is
 * taken once its holder's lease has run out, and the worker waits for the earliest lease of the runs
 * still held.
 */
export function guestImportResumer(deps: { db: Database; logger: Logger; exclusive: boolean }) {
  let stopping = false;
  let running: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;

  // Exclusive: runs begun before this process started are orphans; runs its own requests begin are not.
  const startedAt = new Date();
  /** Runs this worker was holding when another took them over: that one finishes them. */
  const lost: number[] = [];
  const claim = async () => {
    const [row] = await selectRows<{ id: number; file: Uint8Array; accounts_done: number }>(
      deps.db,
      sql`update ${guestImportRuns}
          set lease_token = ${randomUUID()}, lease_until = now() + make_interval(secs => ${leaseSeconds})
          where id = (
            select id from ${guestImportRuns}
            where status = 'running'
              and (lease_until is null or lease_until < now() or (${deps.exclusive}::boolean and created_at < ${startedAt.toISOString()}::timestamptz))
              and id not in (select value::bigint from json_array_elements_text(${JSON.stringify(lost)}::json))
            order by id limit 1
            for update skip locked
          )
          returning id, file, accounts_done, lease_token`,
    );
    return row as (typeof row & { lease_token: string }) | undefined;
  };

  const resumeAll = async () => {
    while (!stopping) {
      const run = await claim();
      if (!run) break;
      const base = await readGuestBase(await gunzipAsync(run.file), guestImportLimits);
      deps.logger.info(
        { run: run.id, done: run.accounts_done, total: base.accounts.length },
        "guest import: resuming",
      );
      const totals = await writeRun(
        deps.db,
        { id: Number(run.id), leaseToken: run.lease_token, from: Number(run.accounts_done) },
        base.accounts,
        deps.logger,
        () => stopping,
      );
      if (totals) deps.logger.info({ run: run.id, ...totals }, "guest import: resumed run done");
      else if (!stopping) lost.push(Number(run.id));
    }
    if (stopping || deps.exclusive) return;
    // Runs another process still holds: look again when the first lease runs out (if its holder died).
    const [next] = await selectRows<{ wait_ms: number | string | null }>(
      deps.db,
      sql`select ceil(extract(epoch from min(lease_until) - now()) * 1000) as wait_ms
          from ${guestImportRuns} where status = 'running'`,
    );
    if (next?.wait_ms !== null && next?.wait_ms !== undefined && !stopping) {
      timer = setTimeout(() => void start(), Math.max(0, Number(next.wait_ms)) + 100);
      timer.unref();
    }
  };

  /** Takes up what there is now; resolves when that is done (or stopped). */
  function start(): Promise<void> {
    running = resumeAll().catch((error: unknown) => {
      deps.logger.error(
        { error: error instanceof Error ? error.message : String(error) },
        "guest import: resuming failed",
      );
    });
    return running;
  }

  return {
    start,
    /** Stops after the batch in flight; what is left is resumed at the next start. */
    async stop() {
      stopping = true;
      clearTimeout(timer);
      await running;
    },
  };
}
