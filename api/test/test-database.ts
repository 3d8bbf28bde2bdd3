import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { PGlite } from "@electric-sql/pglite";
import { type SQL, sql } from "drizzle-orm";
import postgres from "postgres";
import {
  connectPglite,
  connectPostgres,
  type Database,
  type DatabaseConnection,
  selectRows,
} from "../src/db/client";
import { type MigratedDatabases, migratedDatabases } from "./migrated-databases";

/**
 * A fresh database built from the real migrations, for one test or one file: PGlite by default; real
 * PostgreSQL when TEST_DATABASE_URL is set (CI runs both), each test file with databases of its own.
 *
 * The global set-up (api/test/global-setup.ts) migrates one database per run; a file's first database
 * is a copy of it. Copying still takes the better part of a second, so a closed database is not thrown
 * away: it is emptied back to the state right after the migrations (every table truncated and refilled
 * with what the migrations put there, every sequence reset) and handed to the next test in the same
 * worker (files share workers, vitest.config.ts). A database whose schema a test changed is thrown
 * away instead. Closing really closes the handle
 * the test holds: later queries through it fail, as they would on a closed database.
 */
export async function createTestDatabase(): Promise<DatabaseConnection> {
  const migrated = migratedDatabases();
  return process.env.TEST_DATABASE_URL ? leasePostgres(migrated) : leasePglite(migrated);
}

export const testDatabaseKind = process.env.TEST_DATABASE_URL ? "postgresql" : "pglite";

/**
 * Test databases open right now, on globalThis so that api/test/setup.ts can fail a file that leaves
 * one open without loading this module (files share their worker: a leak would outlive its file).
 */
const openDatabases = globalThis as typeof globalThis & { guestcardOpenTestDatabases?: number };
const opened = () => {
  openDatabases.guestcardOpenTestDatabases = (openDatabases.guestcardOpenTestDatabases ?? 0) + 1;
};
const closed = () => {
  openDatabases.guestcardOpenTestDatabases = Math.max(0, (openDatabases.guestcardOpenTestDatabases ?? 1) - 1);
};

// ---- PGlite: copies of the migrated data directory, in memory ----

const idlePglites: PGlite[] = [];
let migratedDataDir: Promise<Blob> | undefined;

async function leasePglite(migrated: MigratedDatabases): Promise<DatabaseConnection> {
  let client = idlePglites.pop();
  if (!client) {
    migratedDataDir ??= readFile(migrated.pgliteTarball).then((bytes) => new Blob([bytes]));
    const fresh = await PGlite.create({ loadDataDir: await migratedDataDir });
    migratedState ??= recordMigratedState(connectPglite(fresh).db);
    await migratedState;
    client = fresh;
  }
  const owned = client;
  const lease = revocable(owned);
  const connection = connectPglite(lease.client);
  opened();
  return {
    ...connection,
    close: async () => {
      if (lease.revoked()) return;
      lease.revoke();
      closed();
      if (await resetToMigrated(connectPglite(owned).db)) idlePglites.push(owned);
      else await owned.close();
    },
  };
}

/** The client as the test sees it, until it closes its database: then every use of it throws. */
function revocable(client: PGlite): { client: PGlite; revoke(): void; revoked(): boolean } {
  let revoked = false;
  const proxy = new Proxy(client, {
    get(target, property) {
      if (property === "closed") return revoked || target.closed;
      if (revoked) throw new Error("This test database is closed");
      const value = Reflect.get(target, property, target);
      // PGlite's methods use private fields: call them on the real client, not on the proxy.
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return {
    client: proxy,
    revoke: () => {
      revoked = true;
    },
    revoked: () => revoked,
  };
}

// ---- PostgreSQL: databases copied from the migrated template ----

interface PostgresCopy {
  url: string;
  /** One connection of the test harness's own, for resetting the database between tests. */
  maintenance: ReturnType<typeof connectPostgres>;
}

const idlePostgres: PostgresCopy[] = [];

async function leasePostgres(migrated: MigratedDatabases): Promise<DatabaseConnection> {
  const template = migrated.postgres;
  if (!template) throw new Error("TEST_DATABASE_URL is set, but the global set-up built no template");
  let copy = idlePostgres.pop();
  if (!copy) {
    // The run's prefix lets the global teardown drop every copy, however a test file ended.
    const name = `${template.copyPrefix}${randomBytes(4).toString("hex")}`;
    const serverUrl = process.env.TEST_DATABASE_URL ?? "";
    const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
    try {
      await admin.unsafe(`create database ${name} template ${template.template}`);
    } finally {
      await admin.end();
    }
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    copy = { url: url.toString(), maintenance: connectPostgres(url.toString(), { max: 1 }) };
    migratedState ??= recordMigratedState(copy.maintenance.db);
    await migratedState;
  }
  const owned = copy;
  const connection = connectPostgres(owned.url, { max: 5 });
  let isClosed = false;
  opened();
  return {
    ...connection,
    close: async () => {
      if (isClosed) return;
      isClosed = true;
      closed();
      await connection.close();
      if (await resetToMigrated(owned.maintenance.db)) idlePostgres.push(owned);
      else await owned.maintenance.close();
    },
  };
}

// ---- Back to the state right after the migrations ----

interface MigratedState {
  /** Every table of ours (the migrations' bookkeeping too), with the rows the migrations left in it. */
  tables: Array<{ name: string; columns: string[]; rowsJson: string }>;
  sequences: Array<{ name: string; lastValue: string | null; startValue: string }>;
  schema: string;
}

let migratedState: Promise<MigratedState> | undefined;

const userSchemas = sql`select oid from pg_namespace
  where nspname not in ('pg_catalog', 'information_schema', 'pg_toast') and nspname not like 'pg_temp%'
    and nspname not like 'pg_toast_temp%'`;

/** Tables, columns, types, constraints, indexes, functions and triggers: any change a test makes shows. */
async function schemaFingerprint(db: Database): Promise<string> {
  const [row] = await selectRows<{ fingerprint: string }>(
    db,
    sql`select md5(string_agg(item, '|' order by item)) as fingerprint from (
      select format('class %s %s', c.oid::regclass, c.relkind::text) as item
        from pg_class c where c.relnamespace in (${userSchemas})
      union all select format('column %s.%s %s %s %s', a.attrelid::regclass, a.attname,
          format_type(a.atttypid, a.atttypmod), a.attnotnull, pg_get_expr(d.adbin, d.adrelid))
        from pg_attribute a join pg_class c on c.oid = a.attrelid
        left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
        where c.relnamespace in (${userSchemas}) and a.attnum > 0 and not a.attisdropped
      union all select format('constraint %s %s', conname, pg_get_constraintdef(oid))
        from pg_constraint where connamespace in (${userSchemas})
      union all select format('index %s', pg_get_indexdef(indexrelid))
        from pg_index where indrelid in (select oid from pg_class where relnamespace in (${userSchemas}))
      union all select format('function %s %s', oid::regprocedure, md5(prosrc))
        from pg_proc where pronamespace in (${userSchemas})
      union all select format('trigger %s %s', tgname, tgrelid::regclass)
        from pg_trigger where not tgisinternal
          and tgrelid in (select oid from pg_class where relnamespace in (${userSchemas}))
    ) items`,
  );
  return row?.fingerprint ?? "";
}

async function recordMigratedState(db: Database): Promise<MigratedState> {
  const tableRows = await selectRows<{ name: string; columns: string[] | string }>(
    db,
    sql`select c.oid::regclass::text as name,
        array_agg(quote_ident(a.attname) order by a.attnum) filter (where a.attgenerated = '') as columns
      from pg_class c join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
      where c.relkind in ('r', 'p') and c.relnamespace in (${userSchemas})
      group by c.oid order by 1`,
  );
  const tables: MigratedState["tables"] = [];
  for (const table of tableRows) {
    const [content] = await selectRows<{ rows: string }>(
      db,
      sql`select coalesce(json_agg(t), '[]')::text as rows from ${sql.raw(table.name)} t`,
    );
    tables.push({ name: table.name, columns: pgArray(table.columns), rowsJson: content?.rows ?? "[]" });
  }
  const sequences = await selectRows<{ name: string; lastValue: string | null; startValue: string }>(
    db,
    sql`select format('%I.%I', schemaname, sequencename) as name, last_value::text as "lastValue",
        start_value::text as "startValue"
      from pg_sequences where schemaname not in ('pg_catalog', 'information_schema')`,
  );
  return { tables, sequences, schema: await schemaFingerprint(db) };
}

/** postgres.js parses a text[] into an array; PGlite may hand it over as the literal `{a,b}`. */
function pgArray(value: string[] | string): string[] {
  if (Array.isArray(value)) return value;
  return value
    .replace(/^\{|\}$/g, "")
    .split(",")
    .filter(Boolean)
    .map((item) => item.replace(/^"|"$/g, "").replace(/\\(.)/g, "$1"));
}

/** Empties the database back to the migrated state; false when it cannot (its schema was changed). */
async function resetToMigrated(db: Database): Promise<boolean> {
  const state = await migratedState;
  if (!state) return false;
  try {
    if ((await schemaFingerprint(db)) !== state.schema) return false;
    const statements: SQL[] = [
      sql.raw(
        `truncate table ${state.tables.map((table) => table.name).join(", ")} restart identity cascade`,
      ),
    ];
    for (const table of state.tables) {
      if (table.rowsJson === "[]") continue;
      const columns = table.columns.join(", ");
      statements.push(
        sql`insert into ${sql.raw(table.name)} (${sql.raw(columns)}) overriding system value
          select ${sql.raw(columns)} from json_populate_recordset(null::${sql.raw(table.name)}, ${table.rowsJson}::json)`,
      );
    }
    for (const sequence of state.sequences) {
      statements.push(
        sequence.lastValue === null
          ? sql`select setval(${sequence.name}::regclass, ${sequence.startValue}::bigint, false)`
          : sql`select setval(${sequence.name}::regclass, ${sequence.lastValue}::bigint, true)`,
      );
    }
    await db.transaction(async (tx) => {
      for (const statement of statements) await tx.execute(statement);
    });
    return true;
  } catch {
    return false;
  }
}
