// Measures building a broadcast's recipient list (issue 13: 1,000,000 guests in under 5 s on
// PostgreSQL): the preview's count and the creation that freezes the list, through the real app.
// Half the guests agreed to marketing; all have a private chat with the bot.
// Runs on PGlite, or on PostgreSQL with TEST_DATABASE_URL (a throwaway database).
//   pnpm --filter @guestcard/api bench:broadcast -- [--guests 1000000]
import { parseArgs } from "node:util";
import { sql } from "drizzle-orm";
import { audienceSql } from "../test/broadcast-kit";
import { createTestContext, guest } from "../test/test-app";

const { values } = parseArgs({
  options: { guests: { type: "string", default: "1000000" } },
  allowPositionals: true,
});
const guestCount = Number(values.guests);
const manager = guest(1, "Bench manager");
const context = await createTestContext({ ADMIN_TELEGRAM_IDS: String(manager.id) });
const database = process.env.TEST_DATABASE_URL ? "PostgreSQL" : "PGlite";
const db = context.database.db;

let started = performance.now();
const batch = 100_000;
for (let first = 0; first < guestCount; first += batch) {
  const count = Math.min(batch, guestCount - first);
  await db.execute(
    sql.raw(
      audienceSql(count, { firstTelegramId: 10_000_000 + first, marketing: first % (2 * batch) === 0 }),
    ),
  );
}
await db.execute(sql`analyze`);
console.log(
  `${database}: ${guestCount} guests made in ${((performance.now() - started) / 1000).toFixed(1)} s`,
);

const segment = { kind: "all" };
started = performance.now();
const preview = await context.request("/api/manager/broadcasts/preview", { as: manager, json: { segment } });
const previewMs = performance.now() - started;
const { recipients } = (await preview.json()) as { recipients: number };

started = performance.now();
const created = await context.request("/api/manager/broadcasts", {
  as: manager,
  json: { text: "Bench offer", segment },
});
const createMs = performance.now() - started;
const body = (await created.json()) as { broadcast: { recipients: number } };

console.log(
  `${database}: preview ${recipients} recipients in ${(previewMs / 1000).toFixed(2)} s; ` +
    `created (list frozen, ${body.broadcast.recipients} rows) in ${(createMs / 1000).toFixed(2)} s (HTTP ${created.status})`,
);
await context.close();
