import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import postgres from "postgres";
import type { DatabaseSetting } from "../config";
import { DataDirInUseError, lockDataDir } from "../db/data-dir-lock";
import { run } from "./backup";
import { OperatorError, printableUrl, splitPassword } from "./operator-error";

export type BackupKind = "embedded" | "postgres";

/** What a backup file holds, from its first bytes: a gzipped tarball, or pg_dump's custom format. */
export function backupKind(bytes: Uint8Array): BackupKind | undefined {
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) return "embedded";
  if (Buffer.from(bytes.subarray(0, 5)).toString("latin1") === "PGDMP") return "postgres";
  return undefined;
}

/**
 * `pnpm restore FILE [--force]`: a backup of `pnpm backup` into the configured database, which must
 * be empty — an embedded one into a DATA_DIR with no database (and no server on it), a PostgreSQL
 * one (`pg_restore`) into a database with no tables — unless `force`, which replaces what is there.
 * docs/decisions/023-operator-kit.md.
 */
export async function restore(setting: DatabaseSetting, file: string, force: boolean): Promise<string> {
  if (!existsSync(file)) throw new OperatorError(`${file} does not exist`);
  const bytes = readFileSync(file);
  const kind = backupKind(bytes);
  if (kind === undefined) throw new OperatorError(`${file} is not a backup of pnpm backup`);
  if (setting.kind === "embedded") {
    if (kind !== "embedded") {
      throw new OperatorError(
        `${file} is a PostgreSQL backup: set DATABASE_URL to the database to restore it into`,
      );
    }
    await restoreEmbedded(setting.dataDir, bytes, force);
    return `DATA_DIR ${setting.dataDir}`;
  }
  if (kind !== "postgres") {
    throw new OperatorError(
      `${file} is a backup of the embedded database: restore it with DATABASE_URL unset, then move it with pnpm migrate-to-postgres`,
    );
  }
  await restorePostgres(setting.url, file, force);
  return printableUrl(setting.url);
}

async function restoreEmbedded(dataDir: string, tarball: Buffer, force: boolean): Promise<void> {
  mkdirSync(dataDir, { recursive: true });
  let lock: ReturnType<typeof lockDataDir>;
  try {
    lock = lockDataDir(dataDir);
  } catch (error) {
    if (!(error instanceof DataDirInUseError)) throw error;
    throw new OperatorError(`${error.message}: stop it before restoring into its DATA_DIR`);
  }
  try {
    const directory = join(dataDir, "pglite");
    if (existsSync(directory) && readdirSync(directory).length > 0) {
      if (!force) {
        throw new OperatorError(
          `DATA_DIR ${dataDir} holds a database already: restore into an empty one, or add --force to replace it`,
        );
      }
      rmSync(directory, { recursive: true });
    }
    mkdirSync(directory, { recursive: true });
    const client = await PGlite.create(directory, { loadDataDir: new Blob([new Uint8Array(tarball)]) });
    try {
      // The restored database starts (recovery included) and answers.
      await client.query("select count(*) from pg_class");
    } finally {
      await client.close();
    }
  } finally {
    lock.release();
  }
}

async function restorePostgres(url: string, file: string, force: boolean): Promise<void> {
  const session = postgres(url, { max: 1, onnotice: () => {} });
  let tables: number;
  try {
    const [row] = await session<{ tables: number }[]>`
      select count(*)::int as tables from pg_tables
      where schemaname not in ('pg_catalog', 'information_schema')`;
    tables = row?.tables ?? 0;
  } finally {
    await session.end({ timeout: 5 });
  }
  if (tables > 0 && !force) {
    throw new OperatorError(
      `${printableUrl(url)} has ${tables} tables already: restore into an empty database, or add --force to replace them`,
    );
  }
  const { url: withoutPassword, password } = splitPassword(url);
  await run(
    "pg_restore",
    [
      "--no-owner",
      "--no-privileges",
      "--exit-on-error",
      "--single-transaction",
      ...(tables > 0 ? ["--clean", "--if-exists"] : []),
      `--dbname=${withoutPassword}`,
      file,
    ],
    password,
  );
}
