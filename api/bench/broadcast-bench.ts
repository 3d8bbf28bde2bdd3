// Measures building a broadcast's recipient list (issue 13: 1,000,000 guests in under 5 s on
// PostgreSQL): the preview's count and the creation that freezes the list, with the functions the
// routes call. Half the guests agreed to marketing; all have a private chat with the bot.
// Needs a PostgreSQL server (TEST_DATABASE_URL); makes a throwaway database there and drops it.
//   TEST_DATABASE_URL=postgres://… pnpm --filter @guestcard/api bench:broadcast --guests 1000000
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { createBroadcast } from "../src/broadcasts/broadcasts";
import { countRecipients } from "../src/broadcasts/recipients";
import { openDatabase } from "../src/db/client";
import { audienceSql } from "../test/broadcast-kit";

const { values } = parseArgs({
  options: { guests: { type: "string", default: "1000000" } },
  allowPositionals: true,
});
const guestCount = Number(values.guests);
const serverUrl = process.env.TEST_DATABASE_URL;
if (!serverUrl) throw new Error("set TEST_DATABASE_URL to a PostgreSQL server");

const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
const name = `guestcard_broadcast_bench_${randomBytes(4).toString("hex")}`;
await admin.unsafe(`create database ${name}`);
const url = new URL(serverUrl);
url.pathname = `/${name}`;
const database = await openDatabase(
  { kind: "url", url: url.toString() },
  { connectTimeoutMs: 5000, statementTimeoutMs: 600_000 },
);
try {
  await database.migrate();
  const db = database.db;
  let started = performance.now();
  const batch = 100_000;
  for (let first = 0; first < guestCount; first += batch) {
    const count = Math.min(batch, guestCount - first);
    const marketing = (first / batch) % 2 === 0;
    await db.execute(sql.raw(audienceSql(count, { firstTelegramId: 10_000_000 + first, marketing })));
  }
  // As autovacuum leaves a live database: right after a bulk load, the first scan of every page also
  // writes its hint bits, which is the load's cost, not the broadcast's.
  await db.execute(sql`vacuum analyze`);
  console.log(`${guestCount} guests made in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  const segment = { kind: "all" } as const;
  started = performance.now();
  const recipients = await countRecipients(db, segment, { month: 7 });
  const previewMs = performance.now() - started;
  started = performance.now();
  const broadcast = await createBroadcast(
    db,
    { text: "Bench offer", openAppButton: false, segment },
    { month: 7, managerTelegramId: 1 },
  );
  const createMs = performance.now() - started;
  console.log(
    `preview: ${recipients} recipients in ${(previewMs / 1000).toFixed(2)} s; ` +
      `created, list frozen (${broadcast.recipients} rows) in ${(createMs / 1000).toFixed(2)} s`,
  );
} finally {
  await database.close();
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.end();
}
