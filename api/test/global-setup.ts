// Vitest's global set-up: runs once per `vitest run`, in the main process, before any test file.
// It builds the migrated database once, and every test database is a copy of it (api/test/test-database.ts):
// - PGlite: the migrated data directory as a tarball in a temporary folder (a copy loads in a fraction
//   of the time creating and migrating takes). Server processes get it in their DATA_DIR too
//   (api/test/server-process.ts), on either run: they use the embedded database unless told otherwise.
// - PostgreSQL (TEST_DATABASE_URL set): a template database, copied with `create database … template`.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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

async function buildPgliteTarball() {
  const folder = mkdtempSync(join(tmpdir(), "guestcard-test-db-"));
  const client = await PGlite.create();
  await connectPglite(client).migrate();
  // Uncompressed: loading skips the gunzip, and the file stays in the page cache (~40 MB, most of it
  // one empty WAL segment).
  const tarball = await client.dumpDataDir("none");
  await client.close();
  const file = join(folder, "migrated.tar");
  writeFileSync(file, Buffer.from(await tarball.arrayBuffer()));
  return {
    tarball: file,
    remove: async () => rmSync(folder, { recursive: true, force: true }),
  };
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
