// Vitest's global set-up: runs once per `vitest run`, in the main process, before any test file.
// It builds the migrated database once, and every test database is a copy of it (api/test/test-database.ts):
// - PGlite: the migrated data directory as a tarball, kept between runs (a copy loads in a fraction
//   of the time creating and migrating takes). Server processes get it in their DATA_DIR too
//   (api/test/server-process.ts), on either run: they use the embedded database unless told otherwise.
// - PostgreSQL (TEST_DATABASE_URL set): a template database, copied with `create database … template`.
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import postgres from "postgres";
import type { TestProject } from "vitest/node";
import { connectPglite, connectPostgres } from "../src/db/client";
import type { MigratedDatabases } from "./migrated-databases";

/**
 * Several projects (db, e2e) name this file; the tests of one run must share one migrated database.
 * Vitest loads the file once per project, so the build is kept on globalThis, not in a module variable.
 */
const shared = globalThis as typeof globalThis & {
  guestcardMigratedDatabase?: Promise<{ databases: MigratedDatabases; remove(): Promise<void> }>;
  guestcardMigratedDatabaseUsers?: number;
};

export default async function setup(project: TestProject) {
  shared.guestcardMigratedDatabase ??= buildMigratedDatabase(process.env.TEST_DATABASE_URL);
  shared.guestcardMigratedDatabaseUsers = (shared.guestcardMigratedDatabaseUsers ?? 0) + 1;
  const { databases, remove } = await shared.guestcardMigratedDatabase;
  project.provide("migratedDatabases", databases);
  return async () => {
    shared.guestcardMigratedDatabaseUsers = (shared.guestcardMigratedDatabaseUsers ?? 1) - 1;
    if (shared.guestcardMigratedDatabaseUsers === 0) {
      shared.guestcardMigratedDatabase = undefined;
      await remove();
    }
  };
}

async function buildMigratedDatabase(serverUrl: string | undefined) {
  const [pglite, template] = await Promise.all([
    buildPgliteTarball(),
    serverUrl ? buildTemplateDatabase(serverUrl) : undefined,
  ]);
  return {
    databases: { pgliteTarball: pglite.tarball, postgres: template?.database },
    remove: async () => {
      await Promise.all([pglite.remove(), template?.remove()]);
    },
  };
}

const repositoryRoot = fileURLToPath(new URL("../..", import.meta.url));
const migrationsFolder = join(repositoryRoot, "api", "src", "db", "migrations");

/**
 * What the tarball depends on: the migrations, and the locked versions of PGlite (which writes the
 * data directory) and drizzle (which keeps the migrations' bookkeeping).
 */
function migratedDatabaseKey(): string {
  const hash = createHash("sha256");
  const files = readdirSync(migrationsFolder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
  for (const file of [join(repositoryRoot, "pnpm-lock.yaml"), ...files]) {
    hash.update(relative(repositoryRoot, file)).update("\0").update(readFileSync(file)).update("\0");
  }
  return hash.digest("hex").slice(0, 16);
}

/**
 * Kept between runs under node_modules/.cache (as vitest keeps its own), named by what it was built
 * from: a run with no new migration skips initdb and the migrations. A fresh clone builds it.
 */
async function buildPgliteTarball() {
  const folder = join(repositoryRoot, "node_modules", ".cache", "guestcard-tests");
  const name = `migrated-pglite-${migratedDatabaseKey()}.tar`;
  const file = join(folder, name);
  if (!existsSync(file)) {
    mkdirSync(folder, { recursive: true });
    const client = await PGlite.create();
    await connectPglite(client).migrate();
    // Uncompressed: loading skips the gunzip, and the file stays in the page cache (~40 MB, most of
    // it one empty WAL segment).
    const tarball = await client.dumpDataDir("none");
    await client.close();
    // Written aside and renamed: a run started meanwhile never reads half a file.
    const partial = `${file}.${process.pid}.partial`;
    writeFileSync(partial, Buffer.from(await tarball.arrayBuffer()));
    renameSync(partial, file);
    for (const stale of readdirSync(folder)) {
      if (stale !== name && stale.startsWith("migrated-pglite-"))
        rmSync(join(folder, stale), { force: true });
    }
  }
  return { tarball: file, remove: async () => {} };
}

async function buildTemplateDatabase(serverUrl: string) {
  const run = randomBytes(4).toString("hex");
  const template = `guestcard_template_${run}`;
  const copyPrefix = `guestcard_test_${run}_`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database ${template}`);
  } catch (error) {
    await admin.end({ timeout: 1 });
    throw new Error(`TEST_DATABASE_URL is set, but no database could be created there: ${String(error)}`);
  }
  const url = new URL(serverUrl);
  url.pathname = `/${template}`;
  const connection = connectPostgres(url.toString(), { max: 1 });
  await connection.migrate();
  await connection.close();
  // A template must have no sessions while it is copied: refuse any, so a stray one cannot break a copy.
  await admin.unsafe(`alter database ${template} with is_template true allow_connections false`);
  return {
    database: { template, copyPrefix },
    remove: async () => {
      const copies = await admin<Array<{ datname: string }>>`
        select datname from pg_database where starts_with(datname, ${copyPrefix})`;
      for (const { datname } of copies) await admin.unsafe(`drop database if exists ${datname} with (force)`);
      await admin.unsafe(`alter database ${template} with is_template false`);
      await admin.unsafe(`drop database if exists ${template} with (force)`);
      await admin.end();
    },
  };
}
