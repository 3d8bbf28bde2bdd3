import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "../../test/test-database";
import type { DatabaseConnection } from "../db/client";
import { processedUpdates } from "../db/schema";
import { pruneProcessedUpdates, recordUpdate } from "./processed-updates";

describe("processed updates", () => {
  let database: DatabaseConnection;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.close());

  it("claims an update_id once", async () => {
    expect(await recordUpdate(database.db, 1)).toBe(true);
    expect(await recordUpdate(database.db, 1)).toBe(false);
    expect(await recordUpdate(database.db, 2)).toBe(true);
    // Telegram's ids fit in 52 bits; they are stored as bigint.
    expect(await recordUpdate(database.db, 2 ** 40)).toBe(true);
  });

  it("forgets only claims older than the window", async () => {
    await database.db.execute(sql`update ${processedUpdates} set processed_at = now() - interval '3 days'
      where ${processedUpdates.updateId} = 1`);
    await pruneProcessedUpdates(database.db);
    const left = await database.db.select({ id: processedUpdates.updateId }).from(processedUpdates);
    expect(left.map((row) => row.id).sort((a, b) => a - b)).toEqual([2, 2 ** 40]);
    expect(await recordUpdate(database.db, 1)).toBe(true);
  });
});
