// Measures the two manager operations that must stay fast on a large restaurant:
//   1. importing a 100,000-guest CSV in one request (docs/api.md);
//   2. the funnel (`GET /api/manager/stats`) over 1,000,000 source events, for each period.
// Runs the real app on PGlite, or on PostgreSQL with TEST_DATABASE_URL (a throwaway database).
//   pnpm --filter @guestcard/api bench:manager -- [--rows 100000] [--events 1000000]
import { parseArgs } from "node:util";
import { sql } from "drizzle-orm";
import { sourceEvents } from "../src/db/schema";
import { createTestContext, guest } from "../test/test-app";

const { values } = parseArgs({
  options: { rows: { type: "string", default: "100000" }, events: { type: "string", default: "1000000" } },
});
const rowCount = Number(values.rows);
const eventCount = Number(values.events);
const manager = guest(1, "Bench manager");
const context = await createTestContext({ ADMIN_TELEGRAM_IDS: String(manager.id) });
const database = process.env.TEST_DATABASE_URL ? "PostgreSQL" : "PGlite";

function guestBaseCsv(rows: number): string {
  const lines = ["phone,last_name,first_name,middle_name,gender,birthday,email"];
  for (let index = 0; index < rows; index += 1) {
    const phone = `8 (9${String(index % 100).padStart(2, "0")}) ${String(1_000_000 + index).slice(-7)}`;
    const gender = index % 2 === 0 ? "female" : "male";
    const birthday = `19${50 + (index % 50)}-0${1 + (index % 9)}-1${index % 9}`;
    lines.push(
      `${phone},Фамилия${index},"Имя, ${index}",Отчество,${gender},${birthday},guest${index}@example.com`,
    );
  }
  return `${lines.join("\r\n")}\r\n`;
}

const csv = guestBaseCsv(rowCount);
let started = performance.now();
const response = await context.request("/api/manager/accounts/import", {
  as: manager,
  body: csv,
  headers: { "content-type": "text/csv" },
});
const importMs = performance.now() - started;
const result = (await response.json()) as { created: number; skipped: number; errors: unknown[] };
console.log(
  `${database}: import of ${rowCount.toLocaleString("en")} rows (${(Buffer.byteLength(csv) / 1024 / 1024).toFixed(1)} MB): ` +
    `${(importMs / 1000).toFixed(1)} s → HTTP ${response.status}, created ${result.created}, skipped ${result.skipped}, errors ${result.errors.length}`,
);

// 1,000,000 events over 90 days and 20 sources: every user started, 70 % shared a phone, 50 %
// registered, 30 % came to the till (2.5 events a user).
started = performance.now();
const db = context.database.db;
await db.execute(
  sql`insert into sources (code, name) select 'bench' || n, 'Bench source ' || n from generate_series(1, 19) n`,
);
const users = Math.ceil(eventCount / 2.5);
await db.execute(sql`
  with numbered as (select id, (row_number() over (order by id))::int - 1 as n from sources)
  insert into source_events (source_id, telegram_user_id, kind, at)
  select numbered.id, 10000000 + u, k.kind,
         now() - ((u % 90) || ' days')::interval - ((u % 86400) || ' seconds')::interval
  from generate_series(1, ${users}) u
  join numbered on numbered.n = u % 20
  cross join (values ('started'), ('phone_shared'), ('registered'), ('first_visit')) k(kind)
  where k.kind = 'started' or (k.kind = 'phone_shared' and u % 10 < 7) or (k.kind = 'registered' and u % 10 < 5)
     or (k.kind = 'first_visit' and u % 10 < 3)
  limit ${eventCount}`);
// What autovacuum does on a live server; the index-only scans of the funnel rely on the visibility map.
await db.execute(sql`vacuum analyze source_events`);
const [counted] = await db.select({ count: sql<number>`count(*)::int` }).from(sourceEvents);
console.log(
  `${database}: ${Number(counted?.count).toLocaleString("en")} events inserted in ${((performance.now() - started) / 1000).toFixed(1)} s`,
);

for (const period of ["today", "7d", "30d", "all"]) {
  const times: number[] = [];
  for (let run = 0; run < 5; run += 1) {
    started = performance.now();
    const stats = await context.request(`/api/manager/stats?period=${period}`, { as: manager });
    if (stats.status !== 200) throw new Error(await stats.text());
    await stats.json();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  console.log(
    `${database}: GET /api/manager/stats?period=${period}: median ${times[2]?.toFixed(0)} ms (best ${times[0]?.toFixed(0)}, worst ${times[4]?.toFixed(0)})`,
  );
}
await context.close();
process.exit(0);
