// Vitest's global set-up: runs once per `vitest run`, in the main process, before any test file.
// It builds the migrated database once, and every test database is a copy of it (api/test/test-database.ts):
// - PGlite: the migrated data directory as a tarball in a temporary folder (a copy loads in a fraction
//   of the time creating and migrating takes);
// - PostgreSQL (TEST_DATABASE_URL set): a template database, copied with `create database … template`.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import postgres from "postgres";
import type { TestProject } from "vitest/node";
import { connectPglite, connectPostgres } from "../src/db/client";

export type MigratedDatabase =
  | { kind: "pglite"; dataDirTarball: string }
  /** Copies are named `copyPrefix` + a suffix, so the teardown finds every one of this run. */
  | { kind: "postgresql"; template: string; copyPrefix: string };

declare module "vitest" {
  export interface ProvidedContext {
    migratedDatabase: MigratedDatabase;
  }
}

/**
 * Several projects (db, e2e) name this file; the tests of one run must share one migrated database.
 * Vitest loads the file once per project, so the build is kept on globalThis, not in a module variable.
 */
const shared = globalThis as typeof globalThis & {
  guestcardMigratedDatabase?: Promise<{ database: MigratedDatabase; remove(): Promise<void> }>;
  guestcardMigratedDatabaseUsers?: number;
};

export default async function setup(project: TestProject) {
  shared.guestcardMigratedDatabase ??= buildMigratedDatabase(process.env.TEST_DATABASE_URL);
  shared.guestcardMigratedDatabaseUsers = (shared.guestcardMigratedDatabaseUsers ?? 0) + 1;
  const { database, remove } = await shared.guestcardMigratedDatabase;
  project.provide("migratedDatabase", database);
  return async () => {
    shared.guestcardMigratedDatabaseUsers = (shared.guestcardMigratedDatabaseUsers ?? 1) - 1;
    if (shared.guestcardMigratedDatabaseUsers === 0) {
      shared.guestcardMigratedDatabase = undefined;
      await remove();
    }
  };
}

async function buildMigratedDatabase(serverUrl: string | undefined) {
  return serverUrl ? buildTemplateDatabase(serverUrl) : buildPgliteTarball();
}

async function buildPgliteTarball() {
  const folder = mkdtempSync(join(tmpdir(), "guestcard-test-db-"));
  const client = await PGlite.create();
  await connectPglite(client).migrate();
  // Uncompressed: loading skips the gunzip, and the file stays in the page cache (~40 MB, most of it
  // one empty WAL segment).
  const tarball = await client.dumpDataDir("none");
  await client.close();
  const dataDirTarball = join(folder, "migrated.tar");
  writeFileSync(dataDirTarball, Buffer.from(await tarball.arrayBuffer()));
  return {
    database: { kind: "pglite", dataDirTarball } as const,
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
    database: { kind: "postgresql", template, copyPrefix } as const,
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
