// The points benchmark (issue 12; `pnpm --filter @guestcard/api bench:points`): autocannon against the
// real server, in one run (the hot paths of issues 5 and 14 are card-bench.ts's):
//   baseline  GET /health               the server's cheapest answer that asks the database
//   identify  POST /api/pos/identify    a till identifying a live card by PIN or QR code
//   issue     POST /api/card            a guest getting a new card
//   purchase  POST /api/pos/purchases   a bill closed against an identification, from 16 tills
//   loyalty   GET /api/loyalty          a guest's balance, tier and a page of 50 movements
// first on a small database, then with 1,000,000 accounts and 30,000 live cards. It prints req/s and
// p99 for each, as ratios to the baseline measured in the same run (absolute figures swing with the
// machine's load; ratios much less). Purchases and GET /api/loyalty are also shown as ratios to
// identify's throughput in the same round (issue 12: a purchase at least half of identify's).
//
//   pnpm bench                                    PostgreSQL at DATABASE_URL (a throwaway database), else PGlite
//   pnpm bench -- --seconds 3 --rounds 3 --accounts 200000   shorter runs, a smaller big case
//
// Why 30,000 live cards and not 100,000: a 6-digit PIN with a check digit has exactly 100,000 values,
// and no two live cards may share one. 100,000 live cards would fill every PIN; issuing would then
// (rightly) answer 503. 30,000 is a very busy evening for one restaurant and leaves issuing a 30 %
// chance of drawing a taken PIN on each try, which this bench therefore measures too.
import { randomBytes, randomInt } from "node:crypto";
import { cpus } from "node:os";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { sql } from "drizzle-orm";
import type { DatabaseConnection } from "../src/db/client";
import { accounts, telegramUsers } from "../src/db/schema";
import { signInitData } from "../src/demo/launch-url";
import {
  benchBotToken,
  benchTills,
  type Holder,
  median,
  pgliteBenchDatabase,
  pick,
  postgresBenchDatabase,
  seedAccounts,
  seedHolders,
  startBenchServer,
} from "./bench-kit";

const { values: options } = parseArgs({
  options: {
    seconds: { type: "string", default: "5" },
    rounds: { type: "string", default: "3" },
    connections: { type: "string", default: "10" },
    accounts: { type: "string", default: "1000000" },
    "live-cards": { type: "string", default: "30000" },
  },
});
const seconds = Number(options.seconds);
const rounds = Number(options.rounds);
const connections = Number(options.connections);
const bigAccounts = Number(options.accounts);
const bigLiveCards = Number(options["live-cards"]);

/** A restaurant chain's tills: each identify comes from one of them (one till's identifications queue up by design). */
const tills = benchTills(20);
const issuerCount = 1000;
/** The tills closing bills (issue 12: 16 tills). */
const purchaseTills = tills.slice(0, 16);
/** Movements in each issuer's history, so GET /api/loyalty reads a full page. */
const historyLength = 60;
const smallLiveCards = 1000;

// ---- seeding ----

/** Guests who issue cards in the bench: a linked Telegram user and account each. */
async function seedIssuers(connection: DatabaseConnection): Promise<string[]> {
  const db = connection.db;
  const people = Array.from({ length: issuerCount }, (_, index) => ({
    telegramId: 700_000_000 + index,
    phone: `+7990100${String(index).padStart(4, "0")}`,
  }));
  const created = await db
    .insert(accounts)
    .values(
      people.map((person) => ({
        phone: person.phone,
        lastName: "Bench",
        firstName: "Issuer",
        origin: "registration" as const,
      })),
    )
    .returning({ id: accounts.id, phone: accounts.phone });
  const idByPhone = new Map(created.map((row) => [row.phone, row.id]));
  await db.insert(telegramUsers).values(
    people.map((person) => ({
      id: person.telegramId,
      firstName: "Issuer",
      phone: person.phone,
      accountId: idByPhone.get(person.phone),
    })),
  );
  // A history of their own, through the ledger's own function (decision 015): each guest's balance
  // row and running balances stay consistent.
  await db.execute(sql`
    select count(p.outcome)
      from accounts a
      cross join generate_series(1, ${historyLength}::integer) as g
      cross join lateral guestcard_loyalty_post(a.id, 'adjust', 10::bigint, null, 1::bigint, 'bench') as p
     where a.origin = 'registration'`);
  return people.map((person) => signInitData({ id: person.telegramId, firstName: "Issuer" }, benchBotToken));
}

// ---- the server ----

// ---- the measurements ----

interface Measurement {
  scenario: string;
  requestsPerSecond: number;
  /** requests/s divided by the baseline's in the same round. */
  ratio: number;
  /** requests/s divided by identify's in the same round. */
  toIdentify: number;
  p50: number;
  p99: number;
  failures: number;
}

const formatRatio = (ratio: number) => (Number.isFinite(ratio) ? ratio.toFixed(2) : "–");

type RequestMaker = () => { method: string; path: string; headers?: Record<string, string>; body?: string };

async function measure(url: string, request: RequestMaker, duration: number) {
  const result = await autocannon({
    url,
    connections,
    duration,
    requests: [{ setupRequest: (base) => ({ ...base, ...request() }) }],
  });
  return {
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    failures: result.errors + result.timeouts + result.non2xx,
  };
}

/** Identifications to close bills against: up to 2,000 holders' cards read at a till, 10 at a time. */
async function identifyHolders(url: string, holders: Holder[]): Promise<string[]> {
  const chosen = holders.slice(0, 2000);
  const ids: string[] = [];
  for (let start = 0; start < chosen.length; start += 10) {
    const answers = await Promise.all(
      chosen.slice(start, start + 10).map(async (holder) => {
        const response = await fetch(`${url}/api/pos/identify`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${pick(tills).key}` },
          body: JSON.stringify({ code: holder.pin }),
        });
        if (!response.ok) return undefined;
        return ((await response.json()) as { identification: { id: string } }).identification.id;
      }),
    );
    ids.push(...answers.filter((id): id is string => id !== undefined));
  }
  if (ids.length === 0) throw new Error("no holder could be identified");
  return ids;
}

/**
 * Each scenario in `rounds` short runs, interleaved (baseline, identify, issue, baseline, …): other
 * work on a shared machine then weighs on every scenario alike, and each ratio compares runs made
 * seconds apart. Figures are the medians over the rounds.
 */
async function measureAll(url: string, holders: Holder[], issuers: string[]): Promise<Measurement[]> {
  const json = (extra: Record<string, string>) => ({ "content-type": "application/json", ...extra });
  const identifications = await identifyHolders(url, holders);
  const scenarios: Record<string, RequestMaker> = {
    baseline: () => ({
      method: "GET",
      path: "/health",
    }),
    identify: () => {
      const holder = pick(holders);
      return {
        method: "POST",
        path: "/api/pos/identify",
        headers: json({ authorization: `Bearer ${pick(tills).key}` }),
        body: JSON.stringify({ code: randomInt(2) === 0 ? holder.pin : holder.code }),
      };
    },
    issue: () => ({ method: "POST", path: "/api/card", headers: { authorization: `tma ${pick(issuers)}` } }),
    purchase: () => ({
      method: "POST",
      path: "/api/pos/purchases",
      headers: json({
        authorization: `Bearer ${pick(purchaseTills).key}`,
        "idempotency-key": randomBytes(12).toString("base64url"),
      }),
      body: JSON.stringify({
        identificationId: pick(identifications),
        checkId: `B-${randomInt(1_000_000)}`,
        total: 1000 + randomInt(500_000),
      }),
    }),
    loyalty: () => ({
      method: "GET",
      path: "/api/loyalty",
      headers: { authorization: `tma ${pick(issuers)}` },
    }),
  };
  // Warm up: JIT, connection pools, the database's caches.
  for (const request of Object.values(scenarios)) await measure(url, request, 2);
  const runs = new Map<
    string,
    Array<Awaited<ReturnType<typeof measure>> & { ratio: number; toIdentify: number }>
  >();
  for (let round = 0; round < rounds; round++) {
    let baseline = 0;
    let identify = 0;
    for (const [scenario, request] of Object.entries(scenarios)) {
      const run = await measure(url, request, seconds);
      if (scenario === "baseline") baseline = run.requestsPerSecond;
      if (scenario === "identify") identify = run.requestsPerSecond;
      runs.set(scenario, [
        ...(runs.get(scenario) ?? []),
        {
          ...run,
          ratio: run.requestsPerSecond / baseline,
          // The baseline runs before identify in a round: no ratio to it.
          toIdentify: identify > 0 ? run.requestsPerSecond / identify : Number.NaN,
        },
      ]);
    }
  }
  return [...runs].map(([scenario, list]) => {
    const measurement: Measurement = {
      scenario,
      requestsPerSecond: median(list.map((run) => run.requestsPerSecond)),
      ratio: median(list.map((run) => run.ratio)),
      toIdentify: median(list.map((run) => run.toIdentify)),
      p50: median(list.map((run) => run.p50)),
      p99: median(list.map((run) => run.p99)),
      failures: list.reduce((sum, run) => sum + run.failures, 0),
    };
    console.log(
      `  ${scenario.padEnd(9)} ${measurement.requestsPerSecond.toFixed(0).padStart(6)} req/s  ` +
        `×${measurement.ratio.toFixed(2)} (identify ×${formatRatio(measurement.toIdentify)})  p50 ${measurement.p50} ms  p99 ${measurement.p99} ms  ` +
        `(rounds: ${list.map((run) => run.requestsPerSecond.toFixed(0)).join(", ")} req/s)` +
        (measurement.failures ? `  ${measurement.failures} FAILED` : ""),
    );
    return measurement;
  });
}

// ---- the run ----

// PostgreSQL at DATABASE_URL (a throwaway database), else PGlite.
const database = process.env.DATABASE_URL
  ? await postgresBenchDatabase(process.env.DATABASE_URL)
  : pgliteBenchDatabase();
console.log(
  `Card bench: ${database.label}; ${cpus().length} cores (${cpus()[0]?.model ?? "?"}), Node ${process.version}; ` +
    `autocannon ${connections} connections, ${rounds} interleaved rounds × ${seconds} s per scenario\n`,
);
const cases: Array<{ name: string; measurements: Measurement[] }> = [];
try {
  let seeding = await database.open();
  await seeding.migrate();
  const issuers = await seedIssuers(seeding);
  const holders = await seedHolders(seeding, smallLiveCards, 0);
  await seeding.close();

  let server = await startBenchServer({
    ...database.environment,
    BOT_TOKEN: benchBotToken,
    POS_API_KEYS: tills.map((till) => `${till.name}:${till.key}`).join(","),
  });
  const smallName = `${(issuerCount + smallLiveCards).toLocaleString("en")} accounts, ${smallLiveCards.toLocaleString("en")} live cards`;
  console.log(`Small: ${smallName}`);
  cases.push({ name: smallName, measurements: await measureAll(server.url, holders, issuers) });
  await server.stop();

  const started = performance.now();
  seeding = await database.open();
  await seedAccounts(seeding, bigAccounts);
  holders.push(...(await seedHolders(seeding, bigLiveCards - smallLiveCards, smallLiveCards)));
  await seeding.db.execute(sql`analyze`);
  await seeding.close();
  console.log(
    `\n(seeded ${bigAccounts.toLocaleString("en")} more accounts and ${(bigLiveCards - smallLiveCards).toLocaleString("en")} more live cards in ${((performance.now() - started) / 1000).toFixed(0)} s)`,
  );

  server = await startBenchServer({
    ...database.environment,
    BOT_TOKEN: benchBotToken,
    POS_API_KEYS: tills.map((till) => `${till.name}:${till.key}`).join(","),
  });
  const bigName = `${(bigAccounts + issuerCount + bigLiveCards).toLocaleString("en")} accounts, ${bigLiveCards.toLocaleString("en")} live cards`;
  console.log(`Large: ${bigName}`);
  cases.push({ name: bigName, measurements: await measureAll(server.url, holders, issuers) });
  await server.stop();
} finally {
  await database.drop();
}

// A table for the README.
const [small, large] = cases;
console.log(
  `\n${database.label}, ${cpus().length} cores, ${connections} connections, median of ${rounds} rounds × ${seconds} s\n`,
);
console.log("| case | route | req/s | × baseline | × identify | p50 ms | p99 ms | p99 × small case |");
console.log("|---|---|---:|---:|---:|---:|---:|---:|");
for (const entry of cases) {
  for (const measurement of entry.measurements) {
    const smallP99 = small?.measurements.find((other) => other.scenario === measurement.scenario)?.p99;
    const versusSmall = entry === large && smallP99 ? `${(measurement.p99 / smallP99).toFixed(2)}×` : "";
    console.log(
      `| ${entry.name} | ${measurement.scenario} | ${measurement.requestsPerSecond.toFixed(0)} | ` +
        `${measurement.ratio.toFixed(2)} | ${formatRatio(measurement.toIdentify)} | ` +
        `${measurement.p50} | ${measurement.p99} | ${versusSmall} |`,
    );
  }
}
const failed = cases.flatMap((entry) => entry.measurements).filter((measurement) => measurement.failures > 0);
if (failed.length > 0)
  console.log(`\nFAILED requests in: ${failed.map((measurement) => measurement.scenario).join(", ")}`);
// autocannon keeps the event loop alive after a programmatic run.
process.exit(failed.length > 0 ? 1 : 0);
