// The test databases are copies of one migrated database, and a closed one is emptied and handed to the
// next test of the file (test-database.ts). These tests hold that to "as fresh as a new copy".
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { Database } from "../src/db/client";
import { selectRows } from "../src/db/client";
import { accounts, outboxJobs, sources, telegramUsers } from "../src/db/schema";
import { acceptVerifiedPhone } from "../src/guests/guests";
import { createTestDatabase } from "./test-database";

/** Every row of every table of ours and every sequence's position: equal digests, equal databases. */
async function contentDigest(db: Database): Promise<Record<string, string>> {
  const tables = await selectRows<{ name: string }>(
    db,
    sql`select c.oid::regclass::text as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind = 'r' and n.nspname in ('public', 'drizzle') order by 1`,
  );
  const digest: Record<string, string> = {};
  for (const { name } of tables) {
    const [row] = await selectRows<{ rows: string }>(
      db,
      sql`select coalesce(string_agg(t::text, '|' order by t::text), '') as rows from ${sql.raw(name)} t`,
    );
    digest[name] = row?.rows ?? "";
  }
  const sequences = await selectRows<{ name: string; position: string | null }>(
    db,
    sql`select format('%I.%I', schemaname, sequencename) as name, last_value::text as position
      from pg_sequences where schemaname in ('public', 'drizzle')`,
  );
  for (const { name, position } of sequences) digest[`sequence ${name}`] = position ?? "unused";
  return digest;
}

async function tableNames(db: Database): Promise<string[]> {
  const rows = await selectRows<{ name: string }>(
    db,
    sql`select table_name as name from information_schema.tables where table_schema = 'public' order by 1`,
  );
  return rows.map((row) => row.name);
}

describe("test databases", () => {
  it("hand the next test a database as fresh as a new copy, whatever the last one wrote", async () => {
    const first = await createTestDatabase();
    const fresh = await contentDigest(first.db);
    expect(fresh.sources, "the migrations' own rows are part of the fresh state").not.toBe("");

    await acceptVerifiedPhone(
      first.db,
      { id: 8101, firstName: "Ada", lastName: null, username: null, languageCode: "en" },
      "+79990081010",
    );
    await first.db.insert(outboxJobs).values({ kind: "test", payload: { n: 1 } });
    await first.db.update(sources).set({ name: "renamed by a test" });
    await first.db.insert(sources).values({ code: "added-by-a-test", name: "Added" });
    await first.db.execute(sql`select nextval(pg_get_serial_sequence('outbox_jobs', 'id'))`);
    expect(await contentDigest(first.db)).not.toEqual(fresh);
    await first.close();

    const next = await createTestDatabase();
    try {
      expect(await contentDigest(next.db)).toEqual(fresh);
      expect(await next.db.$count(telegramUsers)).toBe(0);
      expect(await next.db.$count(accounts)).toBe(0);
    } finally {
      await next.close();
    }
  });

  it("close for real: the handle a test closed answers no more queries", async () => {
    const database = await createTestDatabase();
    expect(await database.ping()).toBe(true);
    await database.close();
    expect(await database.ping()).toBe(false);
    await expect(database.db.select().from(sources)).rejects.toThrow();
  });

  it("are separate while open at the same time", async () => {
    const [one, two] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    try {
      await one.db.execute(sql`create table only_in_one (id int)`);
      expect(await tableNames(one.db)).toContain("only_in_one");
      expect(await tableNames(two.db)).not.toContain("only_in_one");
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  });

  it("are not reused after a test changed the schema", async () => {
    const changed = await createTestDatabase();
    await changed.db.execute(sql`create table left_behind (id int)`);
    await changed.db.execute(sql`alter table sources add column extra text`);
    await changed.close();
    const next = await createTestDatabase();
    try {
      expect(await tableNames(next.db)).not.toContain("left_behind");
      const columns = await selectRows<{ name: string }>(
        next.db,
        sql`select column_name as name from information_schema.columns where table_name = 'sources'`,
      );
      expect(columns.map((column) => column.name)).not.toContain("extra");
    } finally {
      await next.close();
    }
  });
});
