import { randomBytes } from "node:crypto";
import { PGlite } from "@electric-sql/pglite";
import postgres from "postgres";
import { connectPglite, connectPostgres, type DatabaseConnection } from "../src/db/client";

/**
 * A fresh database built from the real migrations, for one test or one file.
 * PGlite by default; real PostgreSQL when TEST_DATABASE_URL is set (CI runs both).
 */
export async function createTestDatabase(): Promise<DatabaseConnection> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  return serverUrl ? createPostgresDatabase(serverUrl) : createPgliteDatabase();
}

export const testDatabaseKind = process.env.TEST_DATABASE_URL ? "postgresql" : "pglite";

let migratedPglite: Promise<PGlite> | undefined;

/** Migrating PGlite takes seconds; cloning a migrated one takes a fraction of that. */
async function createPgliteDatabase(): Promise<DatabaseConnection> {
  migratedPglite ??= (async () => {
    const client = await PGlite.create();
    await connectPglite(client).migrate();
    return client;
  })();
  return connectPglite((await (await migratedPglite).clone()) as PGlite);
}

/** A database of its own on the server, migrated, and dropped again on close. */
async function createPostgresDatabase(serverUrl: string): Promise<DatabaseConnection> {
  const name = `guestcard_test_${randomBytes(6).toString("hex")}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const connection = connectPostgres(url.toString(), { max: 5 });
  await connection.migrate();
  return {
    ...connection,
    close: async () => {
      await connection.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}
