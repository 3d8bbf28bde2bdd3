import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import type { PurchaseResponse } from "@guestcard/shared";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migratedDatabases } from "../../test/migrated-databases";
import { onPglite, onPostgres, tableRows } from "../../test/table-rows";
import { connectPglite } from "../db/client";
import { lockDataDir } from "../db/data-dir-lock";
import { outboxJobs, processedUpdates, reviewMessages, reviewReplies, telegramSendSlots } from "../db/schema";
import { seedDemo } from "../demo/seed-demo";
import { keepFileForDownload } from "../downloads/file-downloads";
import { identifiedGuests, purchase, refund } from "../loyalty/loyalty-test-kit";
import { submitReview } from "../reviews/reviews";
import { migrateToPostgres } from "./migrate-to-postgres";
import { OperatorError } from "./operator-error";

// The target is a database of the test's own on TEST_DATABASE_URL's server, else on the local one.
const serverUrl = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const admin = postgres(serverUrl, { max: 1, onnotice: () => {}, connect_timeout: 3 });
const reachable = await admin`select 1`.then(
  () => true,
  () => false,
);

async function createDatabase(): Promise<string> {
  const name = `guestcard_move_${randomBytes(6).toString("hex")}`;
  await admin.unsafe(`create database ${name}`);
  created.push(name);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
const created: string[] = [];

describe.runIf(reachable)("pnpm migrate-to-postgres: DATA_DIR into an empty PostgreSQL", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "guestcard-move-"));

  beforeAll(async () => {
    // The run's migrated embedded database, then the demo restaurant (1,000 guests from its CSV)
    // and everything else the tables can hold.
    mkdirSync(join(dataDir, "pglite"));
    const tarball = readFileSync(migratedDatabases().pgliteTarball);
    const client = await PGlite.create(join(dataDir, "pglite"), { loadDataDir: new Blob([tarball]) });
    const { db } = connectPglite(client);
    await seedDemo(db);
    const guests = await identifiedGuests(db, 4, { firstTelegramId: 940_000 });
    for (const [index, guest] of guests.entries()) {
      const bought = await purchase(db, {
        identificationId: guest.identificationId,
        checkId: `R-${index}`,
        total: 100_000 + index * 1_050,
      });
      expect(bought.status, bought.bodyText).toBe(201);
      if (index === 0) await refund(db, (bought.body as PurchaseResponse).purchase.id);
    }
    const user = {
      id: guests[1]?.telegramUserId ?? 0,
      firstName: "Guest",
      lastName: null,
      username: null,
      languageCode: "ru",
    };
    const reviewIds = [
      await submitReview(db, user, { rating: 5, text: "Отлично" }),
      await submitReview(db, user, { rating: 2, text: "Долго ждали" }),
    ];
    const reviewId = reviewIds[0] ?? "";
    await db.insert(reviewMessages).values({ chatId: -100_500, messageId: 77, reviewId, kind: "review" });
    await db.insert(reviewReplies).values({
      reviewId,
      author: "manager",
      authorTelegramId: 1,
      text: "Спасибо!",
      sourceChatId: -100_500,
      sourceMessageId: 78,
      readAt: new Date(),
    });
    // The outbox in every state a job can be in: waiting, claimed under a lease, retrying after a
    // failure, refused for good, delivered.
    const now = sql`now()`;
    await db.insert(outboxJobs).values([
      { kind: "test", payload: { n: 1 }, status: "pending" },
      {
        kind: "test",
        payload: { n: 2 },
        status: "pending",
        attempts: 1,
        lockedUntil: sql`now() + interval '30 seconds'`,
        leaseToken: "0b6a3c4e-8f0e-4c59-9d39-7f3f3b0f2a11",
      },
      { kind: "test", payload: { n: 3 }, status: "pending", attempts: 3, lastError: "429", runAt: now },
      { kind: "test", payload: { n: 4 }, status: "failed", attempts: 1, lastError: "chat not found" },
      {
        kind: "test",
        payload: { n: 5 },
        status: "done",
        attempts: 1,
        result: { messageIds: [1] },
        doneAt: now,
      },
    ]);
    await db.insert(telegramSendSlots).values({ chatId: -100_500, at: new Date() });
    await db.insert(processedUpdates).values({ updateId: 123_456_789 });
    // The tables of the points scheduler, broadcasts, the managers' list, imports and guest records.
    const account = guests[2]?.accountId ?? "";
    const holder = guests[2]?.telegramUserId ?? 0;
    const claimant = guests[3]?.telegramUserId ?? 0;
    await db.execute(sql`insert into loyalty_daily_steps (day, finished_at, birthdays, lapsed)
      values ('2031-01-01', now(), 0, 0)`);
    await db.execute(sql`insert into birthday_greetings (account_id, year) values (${account}, 2031)`);
    await db.execute(sql`with broadcast as (
        insert into broadcasts (text, segment, created_by, recipients, status)
        values ('Скидка 10%', '{"kind":"all"}', 1, 1, 'sending') returning id)
      insert into broadcast_recipients (broadcast_id, account_id, chat_id)
      select id, ${account}, ${holder} from broadcast`);
    await db.execute(
      sql`insert into telegram_rate_buckets (key, tokens, at) values ('broadcasts', 2.5, now())`,
    );
    await db.execute(sql`insert into manager_chat_members (chat_id, user_id, status, is_member, as_of)
      values (-100500, 1, 'administrator', true, now())`);
    await db.execute(sql`insert into guest_import_runs (file_sha256, accounts_total, errors, status)
      values ('0'::text, 1, '[]', 'done')`);
    await db.execute(sql`with conflict as (
        insert into phone_conflicts (phone, account_id, holder_telegram_user_id, claimant_telegram_user_id,
                                     status, decided_at, decided_by, reason)
        values ('+79990000001', ${account}, ${holder}, ${claimant}, 'dismissed', now(), 1, 'checked')
        returning id)
      insert into manager_actions (manager_telegram_id, action, account_id, reason, details)
      select 1, 'phone_conflict_dismissed', ${account}, 'checked', jsonb_build_object('conflict', id) from conflict`);
    // Bytes, not text: a poster kept for Telegram's downloadFile (the PNG signature and a NUL).
    await keepFileForDownload(
      db,
      {
        bytes: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff]),
        mediaType: "image/png",
        fileName: "poster.png",
        createdBy: 1,
      },
      new Date(),
    );
    // Sequences moved on past the rows (a row inserted and deleted): the target must not reuse them.
    await db.execute(sql`select nextval('outbox_jobs_id_seq')`);
    await client.close();
  }, 120_000);

  afterAll(async () => {
    for (const name of created) await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("copies every table row for row, sets the sequences, and prints equal counts", async () => {
    const url = await createDatabase();
    const counts = await migrateToPostgres(dataDir, url);

    // Every table came over and none was empty in the source: the test covers them all.
    for (const count of counts) {
      expect(count.source, count.table).toBeGreaterThan(0);
      expect(count.target, count.table).toBe(count.source);
    }
    expect(counts.find((count) => count.table === "accounts")?.source).toBeGreaterThanOrEqual(1000);

    const source = await PGlite.create(join(dataDir, "pglite"));
    const target = postgres(url, { max: 1, onnotice: () => {} });
    try {
      expect(await tableRows(onPostgres(target))).toEqual(await tableRows(onPglite(source)));
      // The next id each side would hand out is the same: sequences were set, not left at 1.
      const next = "select nextval('outbox_jobs_id_seq')::int as id";
      const [targetNext] = await target.unsafe<{ id: number }[]>(next);
      expect(targetNext?.id).toBe((await source.query<{ id: number }>(next)).rows[0]?.id);
      // The tables' triggers were turned off for the copy only: all of them are on again.
      const triggers = await target.unsafe<{ name: string; enabled: string }[]>(
        "select tgname as name, tgenabled as enabled from pg_trigger where not tgisinternal order by 1",
      );
      expect(triggers.map((trigger) => trigger.name)).toEqual([
        "settings_loyalty_programme_deleted",
        "settings_loyalty_programme_written",
      ]);
      expect(triggers.every((trigger) => trigger.enabled === "O")).toBe(true);
    } finally {
      await source.close();
      await target.end();
    }
  }, 180_000);

  it("refuses a database that has tables, and a DATA_DIR a server holds", async () => {
    const url = await createDatabase();
    const other = postgres(url, { max: 1, onnotice: () => {} });
    await other.unsafe("create table something (id int)");
    await other.end();
    await expect(migrateToPostgres(dataDir, url)).rejects.toThrow(/has 1 tables already/);

    const empty = await createDatabase();
    const lock = lockDataDir(dataDir);
    try {
      await expect(migrateToPostgres(dataDir, empty)).rejects.toBeInstanceOf(OperatorError);
    } finally {
      lock.release();
    }
    expect(existsSync(join(dataDir, "pglite", "PG_VERSION"))).toBe(true);
  }, 60_000);
});
