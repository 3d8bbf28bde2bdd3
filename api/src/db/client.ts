import { mkdirSync } from "node:fs";
import { createConnection } from "node:net";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { type SQL, sql } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import type { DatabaseSetting } from "../config";
import { lockDataDir } from "./data-dir-lock";
import * as schema from "./schema";

/** One typed handle for both drivers, so no feature code knows which database it runs on. */
export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface DatabaseConnection {
  db: Database;
  kind: DatabaseSetting["kind"];
  migrate(): Promise<void>;
  /** true when the database answers a trivial query within `withinMs` (GET /health answers within 1 s). */
  ping(withinMs?: number): Promise<boolean>;
  /**
   * Embedded database only: the data directory as a gzipped tarball, taken while no statement and no
   * transaction runs (`pnpm backup` asks the running server for it: api/src/ops/control-server.ts).
   */
  dumpDataDir?(): Promise<Blob>;
  close(): Promise<void>;
}

const migrationsFolder = fileURLToPath(new URL("./migrations", import.meta.url));

export function connectPglite(client: PGlite): DatabaseConnection {
  const db = drizzlePglite(client, { schema }) as unknown as Database;
  // One process owns an embedded database, but two migrate() calls in it would still race (both read
  // "nothing applied yet", then both apply): run them one after the other.
  let migrating: Promise<void> = Promise.resolve();
  return {
    db,
    kind: "embedded",
    migrate: () => {
      const run = migrating.then(() =>
        migratePglite(drizzlePglite(client, { schema }), { migrationsFolder }),
      );
      migrating = run.catch(() => undefined);
      return run;
    },
    ping: (withinMs) => pingWith(db, withinMs),
    dumpDataDir: async () => {
      // A checkpoint first, so that a restore has little WAL to replay.
      await client.exec("CHECKPOINT");
      // Inside a transaction of our own: PGlite runs one transaction at a time, so none of the app's is
      // half-way while the files are read, and the dump itself holds the statement lock (no statement
      // runs either). The files are then what a clean stop would leave, bar our empty transaction.
      return client.transaction(() => client.dumpDataDir("gzip"));
    },
    close: async () => {
      if (!client.closed) await client.close();
    },
  };
}

export interface PostgresTimeouts {
  /** Opening a connection, handshake and authentication included. */
  connectTimeoutMs: number;
  /** The server cancels a statement running longer (`statement_timeout`). */
  statementTimeoutMs: number;
}

export const defaultPostgresTimeouts: PostgresTimeouts = { connectTimeoutMs: 5000, statementTimeoutMs: 5000 };

export function connectPostgres(
  url: string,
  options: { max?: number; timeouts?: PostgresTimeouts } = {},
): DatabaseConnection {
  const timeouts = options.timeouts ?? defaultPostgresTimeouts;
  const client = postgres(url, {
    max: options.max ?? 10,
    // The server has its own notices (e.g. "relation already exists, skipping"); they are not ours to log.
    onnotice: () => {},
    connect_timeout: timeouts.connectTimeoutMs / 1000,
    connection: { statement_timeout: timeouts.statementTimeoutMs },
    backoff: reconnectDelaySeconds,
    // A documented option of postgres.js that its type declarations leave out.
    ...({ socket: silenceWatchedSocket(timeouts.statementTimeoutMs + silenceMarginMs) } as object),
  });
  const db = drizzlePostgres(client, { schema }) as unknown as Database;
  return {
    db,
    kind: "url",
    migrate: () => migrateWithLock(url),
    ping: (withinMs) => pingWith(db, withinMs),
    close: () => client.end({ timeout: 5 }),
  };
}

/**
 * How long a closed connection waits before it connects again, by the number of failed attempts in a
 * row (postgres.js counts them for the whole pool). postgres.js's own default grows to 10–20 s after
 * seven failures; during an outage the background workers fail that often within seconds, so a
 * request arriving then waited that long before it even tried, long past the promise of a 503 within
 * seconds. Capped at half a second: enough to keep a restarting server from a storm of connects
 * (every attempt is for a waiting query anyway), never more than a guest notices.
 */
export function reconnectDelaySeconds(failedAttempts: number): number {
  return Math.min(0.025 * 2 ** failedAttempts, 0.5);
}

/** How much longer than `statement_timeout` a connection may stay silent before we give up on it. */
const silenceMarginMs = 1000;

/**
 * postgres.js has no client-side timeout, and `statement_timeout` is enforced by the server: a server
 * that is frozen (SIGSTOP, a stalled disk, a VM paused) or cut off by the network without a reset
 * never answers, and every query on its connections would wait for as long as that lasts (the
 * kernel keeps acknowledging, so TCP keepalive does not notice either). So every connection gets a
 * socket of ours that is closed once nothing has moved on it, in either direction, for longer than
 * the statement timeout plus a margin: a query waiting on it fails with CONNECTION_CLOSED (503,
 * database-failure.ts), and an idle one is simply opened again when next needed. Activity is read
 * from the socket's byte counters, not its events: postgres.js removes every listener from the
 * socket when it upgrades it to TLS. Each new connection tries the next host of a multi-host URL.
 */
function silenceWatchedSocket(silenceMs: number) {
  let nextHost = 0;
  return (options: { host: string[]; port: number[]; path?: string | false }) => {
    const index = nextHost++ % options.host.length;
    const host = options.host[index] ?? "localhost";
    const socket = options.path
      ? createConnection(options.path)
      : createConnection(options.port[index] ?? 5432, host);
    // postgres.js names the TLS server (SNI, certificate check) after `socket.host`.
    Object.assign(socket, { host });
    let lastBytes = -1;
    let quietSince = Date.now();
    const watch = setInterval(
      () => {
        if (socket.destroyed) return clearInterval(watch);
        const bytes = socket.bytesRead + socket.bytesWritten;
        if (bytes !== lastBytes) {
          lastBytes = bytes;
          quietSince = Date.now();
        } else if (Date.now() - quietSince > silenceMs) {
          clearInterval(watch);
          socket.destroy();
        }
      },
      Math.max(50, Math.floor(silenceMs / 5)),
    );
    watch.unref();
    return socket;
  };
}

/**
 * Arbitrary, fixed: the session-level advisory lock that migrations run under. drizzle's migrator
 * takes no lock, so instances started together on one database (a fresh database, or a rollout that
 * brings a new migration) would apply the same migrations at once, and all but one would fail to
 * start with "duplicate key value violates unique constraint". Under the lock the others wait, then
 * find nothing left to do.
 */
const migrationLockKey = 7_206_410_008;

async function migrateWithLock(url: string): Promise<void> {
  // A connection of its own: a session-level lock belongs to one connection, and closing it releases
  // the lock even if the migration throws half-way.
  const session = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await session`select pg_advisory_lock(${migrationLockKey})`;
    await migratePostgres(drizzlePostgres(session, { schema }), { migrationsFolder });
  } finally {
    await session.end({ timeout: 5 });
  }
}

export async function openDatabase(
  setting: DatabaseSetting,
  timeouts: PostgresTimeouts = defaultPostgresTimeouts,
): Promise<DatabaseConnection> {
  if (setting.kind === "url") return connectPostgres(setting.url, { timeouts });
  const directory = `${setting.dataDir}/pglite`;
  mkdirSync(directory, { recursive: true });
  // Before PGlite reads a byte: a second process must not even load the files (data-dir-lock.ts).
  const lock = lockDataDir(setting.dataDir);
  try {
    const connection = connectPglite(await PGlite.create(directory));
    return {
      ...connection,
      close: async () => {
        try {
          await connection.close();
        } finally {
          lock.release();
        }
      },
    };
  } catch (error) {
    lock.release();
    throw error;
  }
}

async function pingWith(db: Database, withinMs = 700): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), withinMs);
  });
  try {
    return await Promise.race([db.execute(sql`select 1`).then(() => true), late]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/** Runs raw SQL and returns its rows: postgres.js answers an array, PGlite an object with `rows`. */
export async function selectRows<T>(db: Database, query: SQL): Promise<T[]> {
  const result = await db.execute(query);
  return (Array.isArray(result) ? result : (result as unknown as { rows: T[] }).rows) as T[];
}
