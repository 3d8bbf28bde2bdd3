import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, testDatabaseKind } from "../../test/test-database";
import { type DatabaseConnection, selectRows } from "./client";

describe(`migrations on ${testDatabaseKind}`, () => {
  let database: DatabaseConnection;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.close());

  const tables = async () => {
    const rows = await selectRows<{ table_name: string }>(
      database.db,
      sql`select table_name from information_schema.tables where table_schema = 'public' order by table_name`,
    );
    return rows.map((row) => row.table_name);
  };

  it("create every table of the domain", async () => {
    expect(await tables()).toEqual(
      expect.arrayContaining([
        "accounts",
        "card_identifications",
        "cards",
        "consents",
        "outbox_jobs",
        "processed_updates",
        "reviews",
        "settings",
        "source_events",
        "sources",
        "telegram_users",
      ]),
    );
  });

  it("are a no-op when applied again", async () => {
    const before = await tables();
    await database.migrate();
    await database.migrate();
    expect(await tables()).toEqual(before);
  });
});
