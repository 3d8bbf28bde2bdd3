import { existsSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { PGlite } from "@electric-sql/pglite";
import postgres from "postgres";
import { connectPglite, connectPostgres } from "../db/client";
import { DataDirInUseError, lockDataDir } from "../db/data-dir-lock";
import { OperatorError, printableUrl } from "./operator-error";

export interface TableCount {
  table: string;
  source: number;
  target: number;
}

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * `pnpm migrate-to-postgres DATABASE_URL`: everything in the embedded database of `dataDir` into an
 * empty PostgreSQL database. Both are brought to this version's migrations first (so their tables are
 * the same), then, in one transaction on the target, every table is emptied of what the migrations
 * seeded and copied (`COPY … TO '/dev/blob'` out of PGlite, `COPY … FROM STDIN` into PostgreSQL) in
 * foreign-key order with the tables' own triggers off (the rows are copied as they are, derived ones
 * included), and every sequence is set to where it stood. At the end the rows of every table are
 * counted on both sides. The server must be stopped: it owns the DATA_DIR. docs/decisions/023-operator-kit.md.
 */
export async function migrateToPostgres(dataDir: string, url: string): Promise<TableCount[]> {
  if (!existsSync(join(dataDir, "pglite", "PG_VERSION"))) {
    throw new OperatorError(`There is no embedded database in DATA_DIR ${dataDir}`);
  }
  let lock: ReturnType<typeof lockDataDir>;
  try {
    lock = lockDataDir(dataDir);
  } catch (error) {
    if (!(error instanceof DataDirInUseError)) throw error;
    throw new OperatorError(
      `${error.message}: stop it first (the copy must see a database nobody writes to)`,
    );
  }
  const target = postgres(url, { max: 1, onnotice: () => {} });
  let source: PGlite | undefined;
  try {
    const [existing] = await target<{ tables: number }[]>`
      select count(*)::int as tables from pg_tables
      where schemaname not in ('pg_catalog', 'information_schema')`;
    if ((existing?.tables ?? 0) > 0) {
      throw new OperatorError(
        `${printableUrl(url)} has ${existing?.tables} tables already: migrate into an empty database`,
      );
    }
    source = await PGlite.create(join(dataDir, "pglite"));
    await connectPglite(source).migrate();
    const targetConnection = connectPostgres(url, { max: 1 });
    try {
      await targetConnection.migrate();
    } finally {
      await targetConnection.close();
    }
    const tables = await tablesInForeignKeyOrder(source);
    await sameMigrations(source, target);
    await copyTables(source, target, tables);
    return await countBoth(source, target, tables);
  } finally {
    await source?.close();
    await target.end({ timeout: 5 });
    lock.release();
  }
}

/** The public tables, each after the tables its foreign keys point at. */
export async function tablesInForeignKeyOrder(client: PGlite): Promise<string[]> {
  const { rows: tables } = await client.query<{ name: string }>(`
    select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition order by 1`);
  const { rows: references } = await client.query<{ child: string; parent: string }>(`
    select child.relname as child, parent.relname as parent
    from pg_constraint f
    join pg_class child on child.oid = f.conrelid
    join pg_class parent on parent.oid = f.confrelid
    join pg_namespace n on n.oid = child.relnamespace
    where f.contype = 'f' and n.nspname = 'public' and f.conrelid <> f.confrelid`);
  const ordered: string[] = [];
  const visiting = new Set<string>();
  const visit = (table: string) => {
    if (ordered.includes(table)) return;
    if (visiting.has(table)) throw new Error(`Foreign keys form a cycle through ${table}`);
    visiting.add(table);
    for (const reference of references) if (reference.child === table) visit(reference.parent);
    visiting.delete(table);
    ordered.push(table);
  };
  for (const { name } of tables) visit(name);
  return ordered;
}

async function sameMigrations(source: PGlite, target: postgres.Sql): Promise<void> {
  const query = "select hash from drizzle.__drizzle_migrations order by created_at, id";
  const { rows } = await source.query<{ hash: string }>(query);
  const targetRows = await target.unsafe<{ hash: string }[]>(query);
  const sourceHashes = rows.map((row) => row.hash).join(",");
  if (sourceHashes !== targetRows.map((row) => row.hash).join(",")) {
    throw new OperatorError("The two databases ended up with different migrations applied");
  }
}

async function copyTables(source: PGlite, target: postgres.Sql, tables: string[]): Promise<void> {
  // Text COPY both ways: the same output settings on the source as a PostgreSQL server's defaults.
  await source.exec("set datestyle = 'ISO, MDY'; set intervalstyle = 'postgres'; set extra_float_digits = 1");
  const { rows: sequences } = await source.query<{ name: string }>(`
    select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind = 'S' order by 1`);
  await target.begin(async (transaction) => {
    const list = tables.map((table) => `public.${quote(table)}`).join(", ");
    // What the migrations seeded (the default source, the settings in force) comes over with the rest.
    await transaction.unsafe(`truncate ${list}`);
    for (const table of tables) {
      const columns = await copiedColumns(source, table);
      if (columns.length === 0) continue;
      const columnList = columns.map(quote).join(", ");
      const result = await source.query(`copy public.${quote(table)} (${columnList}) to '/dev/blob'`);
      const blob = result.blob;
      // An empty table comes back with no blob at all: nothing to copy.
      if (!blob || blob.size === 0) continue;
      await transaction.unsafe(`alter table public.${quote(table)} disable trigger user`);
      const writable = await transaction
        .unsafe(`copy public.${quote(table)} (${columnList}) from stdin`)
        .writable();
      await pipeline(Readable.from([Buffer.from(await blob.arrayBuffer())]), writable);
      await transaction.unsafe(`alter table public.${quote(table)} enable trigger user`);
    }
    for (const { name } of sequences) {
      const { rows } = await source.query<{ last_value: string; is_called: boolean }>(
        `select last_value::text, is_called from public.${quote(name)}`,
      );
      const [state] = rows;
      if (!state) continue;
      await transaction`select setval(${`public.${quote(name)}`}::regclass, ${state.last_value}::bigint, ${state.is_called})`;
    }
  });
}

/** The columns a COPY writes: all but generated ones, which the target computes itself. */
async function copiedColumns(source: PGlite, table: string): Promise<string[]> {
  const { rows } = await source.query<{ name: string }>(
    `select a.attname as name from pg_attribute a
     where a.attrelid = $1::regclass and a.attnum > 0 and not a.attisdropped and a.attgenerated = ''
     order by a.attnum`,
    [`public.${quote(table)}`],
  );
  return rows.map((row) => row.name);
}

async function countBoth(source: PGlite, target: postgres.Sql, tables: string[]): Promise<TableCount[]> {
  const counts: TableCount[] = [];
  for (const table of tables) {
    const query = `select count(*)::int as count from public.${quote(table)}`;
    const { rows } = await source.query<{ count: number }>(query);
    const [targetRow] = await target.unsafe<{ count: number }[]>(query);
    counts.push({ table, source: rows[0]?.count ?? 0, target: targetRow?.count ?? 0 });
  }
  return counts;
}
