import { randomBytes } from "node:crypto";
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { describe, expect, it } from "vitest";
import { connectPglite, connectPostgres, type DatabaseConnection, selectRows } from "./client";

const migrationCount = readdirSync(fileURLToPath(new URL("./migrations", import.meta.url))).filter((name) =>
  name.endsWith(".sql"),
).length;

/**
 * Instances started together on a fresh database (or a rollout bringing a new migration) all run
 * their migrations at start. drizzle's migrator takes no lock: without ours, all but one of them
 * failed with "duplicate key value violates unique constraint".
 */
describe("migrations run by several instances at once", () => {
  const serverUrl = process.env.TEST_DATABASE_URL;

  // A database created from nothing (initdb, for PGlite in this process): seconds on a busy machine.
  it(`all succeed, and apply each migration once (${serverUrl ? "PostgreSQL, separate pools" : "PGlite"})`, {
    timeout: 90_000,
  }, async () => {
    let connections: DatabaseConnection[];
    let dropDatabase = async () => {};
    if (serverUrl) {
      // Separate pools stand for separate processes: no connection is shared between them.
      const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
      const name = `guestcard_migrate_${randomBytes(6).toString("hex")}`;
      await admin.unsafe(`create database ${name}`);
      const url = new URL(serverUrl);
      url.pathname = `/${name}`;
      connections = [1, 2, 3].map(() => connectPostgres(url.toString(), { max: 2 }));
      dropDatabase = async () => {
        await admin.unsafe(`drop database if exists ${name} with (force)`);
        await admin.end();
      };
    } else {
      // An embedded database belongs to one process; its migrate() calls must still not race.
      const one = connectPglite(await PGlite.create());
      connections = [one, one, one];
    }
    try {
      const results = await Promise.allSettled(connections.map((connection) => connection.migrate()));
      expect(
        results.map((result) =>
          result.status === "fulfilled" ? "ok" : String(result.reason?.cause ?? result.reason),
        ),
      ).toEqual(["ok", "ok", "ok"]);
      const [applied] = await selectRows<{ n: number | string }>(
        connections[0]!.db,
        sql`select count(*) as n from drizzle.__drizzle_migrations`,
      );
      expect(Number(applied?.n)).toBe(migrationCount);
      // Once more, on a database that is up to date: nothing to do, no error.
      await Promise.all(connections.map((connection) => connection.migrate()));
    } finally {
      for (const connection of new Set(connections)) await connection.close();
      await dropDatabase();
    }
  });
});
