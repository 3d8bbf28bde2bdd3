// An import cut off part-way is finished from its last committed batch, once and by one worker
// (docs/decisions/018-resumable-guest-imports.md). The SIGKILL of a real server: api/e2e/guest-import.test.ts.
import { randomUUID } from "node:crypto";
import { gzipSync } from "node:zlib";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase } from "../../test/test-database";
import type { DatabaseConnection } from "../db/client";
import { accounts, guestImportRuns } from "../db/schema";
import { createLogger } from "../logger";
import { guestImportBatchSize, guestImportResumer } from "./guest-import";

const logger = createLogger("error");
const guests = 2500;
const phone = (index: number) => `+7995${String(index).padStart(7, "0")}`;
const file = Buffer.from(
  `Телефон;Имя\r\n${Array.from({ length: guests }, (_, index) => `${phone(index)};Гость${index}`).join("\r\n")}\r\n`,
);

describe("resuming a guest import", () => {
  let database: DatabaseConnection;

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.close();
  });
  beforeEach(async () => {
    await database.db.delete(accounts);
    await database.db.delete(guestImportRuns);
  });

  /** What a crash after the first batch leaves: its accounts, and the run at 1,000 of 2,500. */
  async function cutOffRun(leaseUntil: "past" | "future") {
    await database.db.insert(accounts).values(
      Array.from({ length: guestImportBatchSize }, (_, index) => ({
        phone: phone(index),
        lastName: "",
        firstName: `Гость${index}`,
        origin: "import" as const,
      })),
    );
    const [run] = await database.db
      .insert(guestImportRuns)
      .values({
        file: gzipSync(file),
        fileSha256: "test",
        accountsTotal: guests,
        accountsDone: guestImportBatchSize,
        created: guestImportBatchSize,
        errors: [],
        leaseToken: randomUUID(),
        leaseUntil: sql.raw(
          leaseUntil === "past" ? "now() - interval '1 second'" : "now() + interval '1 hour'",
        ),
      })
      .returning({ id: guestImportRuns.id });
    return run!.id;
  }

  const accountCount = async () => (await database.db.select({ id: accounts.id }).from(accounts)).length;
  const runOf = async (id: number) =>
    (await database.db.select().from(guestImportRuns).where(eq(guestImportRuns.id, id)))[0];

  it("writes the rest of a run whose worker is gone, counting the whole file, and forgets the file", async () => {
    const id = await cutOffRun("past");
    await guestImportResumer({ db: database.db, logger, exclusive: false }).start();
    expect(await accountCount()).toBe(guests);
    expect(await runOf(id)).toMatchObject({
      status: "done",
      accountsDone: guests,
      created: guests,
      skipped: 0,
      file: null,
      leaseToken: null,
    });
    const [last] = await database.db
      .select()
      .from(accounts)
      .where(eq(accounts.phone, phone(guests - 1)));
    expect(last).toMatchObject({ firstName: `Гость${guests - 1}`, origin: "import" });
  });

  it("leaves a run another worker still holds (PostgreSQL), and takes it when it owns the database (PGlite)", async () => {
    const id = await cutOffRun("future");
    const shared = guestImportResumer({ db: database.db, logger, exclusive: false });
    await shared.start();
    await shared.stop();
    expect([await accountCount(), (await runOf(id))?.status]).toEqual([guestImportBatchSize, "running"]);
    await guestImportResumer({ db: database.db, logger, exclusive: true }).start();
    expect([await accountCount(), (await runOf(id))?.status]).toEqual([guests, "done"]);
  });

  it("never takes over a run its own process began after it started (a manager's import in progress)", async () => {
    const resumer = guestImportResumer({ db: database.db, logger, exclusive: true });
    const id = await cutOffRun("future");
    await resumer.start();
    expect([await accountCount(), (await runOf(id))?.status]).toEqual([guestImportBatchSize, "running"]);
  });

  it("two workers on one run: each batch is written and counted once", async () => {
    const id = await cutOffRun("past");
    // `exclusive` lets the second take the run over from the first at once: the first's next batch
    // carries a token that is no longer the run's and is refused, whole.
    const workers = [1, 2].map(() => guestImportResumer({ db: database.db, logger, exclusive: true }));
    await Promise.all(workers.map((worker) => worker.start()));
    expect(await runOf(id)).toMatchObject({
      status: "done",
      accountsDone: guests,
      created: guests,
      skipped: 0,
    });
    expect(await accountCount()).toBe(guests);
  });
});
