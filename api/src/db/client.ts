import { mkdirSync } from "node:fs";
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
  /** true once the database answers a trivial query. */
  ping(): Promise<boolean>;
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
    ping: () => pingWith(db),
    close: async () => {
      if (!client.closed) await client.close();
    },
  };
}

export function connectPostgres(url: string, options: { max?: number } = {}): DatabaseConnection {
  // The server has its own notices (e.g. "relation already exists, skipping"); they are not ours to log.
  const client = postgres(url, { max: options.max ?? 10, onnotice: () => {} });
  const db = drizzlePostgres(client, { schema }) as unknown as Database;
  return {
    db,
    kind: "url",
    migrate: () => migrateWithLock(url),
    ping: () => pingWith(db),
    close: () => client.end({ timeout: 5 }),
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

export async function openDatabase(setting: DatabaseSetting): Promise<DatabaseConnection> {
  if (setting.kind === "url") return connectPostgres(setting.url);
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

async function pingWith(db: Database): Promise<boolean> {
  try {
    await db.execute(sql`select 1`);
    return true;
  } catch {
    return false;
  }
}

/** Runs raw SQL and returns its rows: postgres.js answers an array, PGlite an object with `rows`. */
export async function selectRows<T>(db: Database, query: SQL): Promise<T[]> {
  const result = await db.execute(query);
  return (Array.isArray(result) ? result : (result as unknown as { rows: T[] }).rows) as T[];
}
