// The hot-path benchmark (issues 5 and 14): autocannon against the real server, in one run, each
// route compared with `GET /health` on the same server (it asks the database too):
//   health        GET /health                 the baseline: `select 1` and a JSON answer
//   me            GET /api/me                 a returning registered guest opening the Mini App
//   issue         POST /api/card              a registered guest getting a new card
//   identify-16   POST /api/pos/identify      16 tills at once, one key per connection
//   identify-1    POST /api/pos/identify      every connection on one till's key (its lock queues them)
// and the burst: 50 guests tapping "new card" 20 times each, all 1,000 requests at once, timed from
// the first sent to the last answered — then it checks that each guest holds one live card and no
// two live cards share a PIN or code. On PostgreSQL at DATABASE_URL (a throwaway database made on
// that server) and on PGlite; without DATABASE_URL on PGlite alone.
//
//   pnpm bench                                  both databases, 3 interleaved rounds × 5 s per route
//   pnpm bench -- --database pglite --seconds 3 one database, shorter runs
//   pnpm bench -- --accounts 1000000 --live-cards 30000   a large restaurant's guest base first
//
// Why at most ~30,000 live cards: a 6-digit PIN with a check digit has exactly 100,000 values and
// no two live cards may share one; past that, issuing would (rightly) answer 503.
import { randomInt } from "node:crypto";
import { Agent, request as httpRequest } from "node:http";
import { cpus, loadavg } from "node:os";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { sql } from "drizzle-orm";
import type { DatabaseConnection } from "../src/db/client";
import { accounts, telegramUsers } from "../src/db/schema";
import { type LaunchUser, signInitData } from "../src/demo/launch-url";
import {
  type BenchDatabase,
  benchBotToken,
  benchTills,
  type Holder,
  inChunks,
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
    connections: { type: "string", default: "16" },
    database: { type: "string", default: "all" },
    accounts: { type: "string", default: "0" },
    "live-cards": { type: "string", default: "1000" },
  },
});
const seconds = Number(options.seconds);
const rounds = Number(options.rounds);
const connections = Number(options.connections);
const extraAccounts = Number(options.accounts);
const liveCards = Number(options["live-cards"]);

/** One till per connection for identify-16; identify-1 uses the first only. */
const tills = benchTills(Math.max(connections, 1));
const issuerCount = 1000;
const burstGuests = 50;
const burstTapsPerGuest = 20;

// ---- seeding ----

/**
 * Registered guests (a linked Telegram user and account each, the profile as their initData carries
 * it), returned as their signed initData. `firstId` keeps the groups apart.
 */
async function seedGuests(connection: DatabaseConnection, count: number, firstId: number): Promise<string[]> {
  const people = Array.from({ length: count }, (_, index) => ({
    user: { id: firstId + index, firstName: "Issuer", languageCode: "ru" } satisfies LaunchUser,
    phone: `+7990${Math.floor(firstId / 10_000_000) % 10}${String(index).padStart(6, "0")}`,
  }));
  await inChunks(people, 1000, async (chunk) => {
    const created = await connection.db
      .insert(accounts)
      .values(
        chunk.map((person) => ({
          phone: person.phone,
          lastName: "Bench",
          firstName: "Issuer",
          origin: "registration" as const,
        })),
      )
      .returning({ id: accounts.id, phone: accounts.phone });
    const idByPhone = new Map(created.map((row) => [row.phone, row.id]));
    await connection.db.insert(telegramUsers).values(
      chunk.map((person) => ({
        id: person.user.id,
        firstName: person.user.firstName,
        languageCode: person.user.languageCode,
        phone: person.phone,
        phoneVerifiedAt: new Date(),
        accountId: idByPhone.get(person.phone),
      })),
    );
  });
  return people.map((person) => signInitData(person.user, benchBotToken));
}

// ---- the server ----

// ---- the measurements ----

interface Run {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  failures: number;
}

interface Measurement extends Run {
  scenario: string;
  /** requests/s divided by /health's in the same round. */
  ratio: number;
  rounds: number[];
}

const percentile = (sorted: number[], share: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * share))] ?? 0;

type RequestMaker = () => { method: string; path: string; headers?: Record<string, string>; body?: string };

/**
 * One autocannon client per connection, all at once, each with its own request maker (so each
 * connection can be a till of its own); latencies are gathered from every response.
 */
async function measure(url: string, perConnection: RequestMaker[], duration: number): Promise<Run> {
  const latencies: number[] = [];
  const results = await Promise.all(
    perConnection.map((request) => {
      const instance = autocannon({
        url,
        connections: 1,
        duration,
        requests: [{ setupRequest: (base) => ({ ...base, ...request() }) }],
      });
      instance.on("response", (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
      return instance;
    }),
  );
  latencies.sort((a, b) => a - b);
  return {
    requestsPerSecond: results.reduce((sum, result) => sum + result.requests.total, 0) / duration,
    p50: Math.round(percentile(latencies, 0.5) * 10) / 10,
    p99: Math.round(percentile(latencies, 0.99) * 10) / 10,
    failures: results.reduce((sum, result) => sum + result.errors + result.timeouts + result.non2xx, 0),
  };
}

/**
 * Each scenario in `rounds` short runs, interleaved (health, me, issue, …, health, …): other work on
 * a shared machine then weighs on every scenario alike, and each ratio compares runs made seconds
 * apart. Figures are the medians over the rounds.
 */
async function measureAll(url: string, holders: Holder[], issuers: string[]): Promise<Measurement[]> {
  const json = (extra: Record<string, string>) => ({ "content-type": "application/json", ...extra });
  const identifyAt =
    (key: string): RequestMaker =>
    () => {
      const holder = pick(holders);
      return {
        method: "POST",
        path: "/api/pos/identify",
        headers: json({ authorization: `Bearer ${key}` }),
        body: JSON.stringify({ code: randomInt(2) === 0 ? holder.pin : holder.code }),
      };
    };
  const everyConnection = (request: RequestMaker) => Array.from({ length: connections }, () => request);
  const scenarios: Record<string, RequestMaker[]> = {
    health: everyConnection(() => ({ method: "GET", path: "/health" })),
    me: everyConnection(() => ({
      method: "GET",
      path: "/api/me",
      headers: { authorization: `tma ${pick(issuers)}` },
    })),
    issue: everyConnection(() => ({
      method: "POST",
      path: "/api/card",
      headers: { authorization: `tma ${pick(issuers)}` },
    })),
    "identify-16": tills.slice(0, connections).map((till) => identifyAt(till.key)),
    "identify-1": everyConnection(identifyAt(tills[0]?.key ?? "")),
  };
  // Warm up: JIT, connection pools, the database's caches; every issuer has opened the app once.
  for (const request of Object.values(scenarios)) await measure(url, request, 2);
  await inChunks(issuers, connections, (chunk) =>
    Promise.all(
      chunk.map(async (initData) => {
        const response = await fetch(`${url}/api/me`, { headers: { authorization: `tma ${initData}` } });
        await response.arrayBuffer();
      }),
    ),
  );
  const runs = new Map<string, Array<Run & { ratio: number }>>();
  for (let round = 0; round < rounds; round++) {
    let health = 0;
    for (const [scenario, request] of Object.entries(scenarios)) {
      const run = await measure(url, request, seconds);
      if (scenario === "health") health = run.requestsPerSecond;
      runs.set(scenario, [...(runs.get(scenario) ?? []), { ...run, ratio: run.requestsPerSecond / health }]);
    }
  }
  return [...runs].map(([scenario, list]) => {
    const measurement: Measurement = {
      scenario,
      requestsPerSecond: median(list.map((run) => run.requestsPerSecond)),
      ratio: median(list.map((run) => run.ratio)),
      p50: median(list.map((run) => run.p50)),
      p99: median(list.map((run) => run.p99)),
      failures: list.reduce((sum, run) => sum + run.failures, 0),
      rounds: list.map((run) => run.requestsPerSecond),
    };
    console.log(
      `  ${scenario.padEnd(12)} ${measurement.requestsPerSecond.toFixed(0).padStart(6)} req/s  ` +
        `×${measurement.ratio.toFixed(2)}  p50 ${measurement.p50} ms  p99 ${measurement.p99} ms  ` +
        `(rounds: ${measurement.rounds.map((value) => value.toFixed(0)).join(", ")} req/s)` +
        (measurement.failures ? `  ${measurement.failures} FAILED` : ""),
    );
    return measurement;
  });
}

interface Burst {
  milliseconds: number;
  failures: number;
  /** What the database says afterwards; every figure but `live` must be 0. */
  cards: { live: number; shared_pins: number; shared_codes: number; second_cards: number };
}

/** 50 guests × 20 taps on "new card", all at once: the time until the last answer. */
async function burst(url: string, guests: string[]): Promise<Burst> {
  // node:http rather than fetch: fetch gives up connecting after 10 s, and a thousand connections
  // opened at once on a busy machine can take longer.
  const agent = new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });
  const post = (initData: string) =>
    new Promise<number>((resolve) => {
      const request = httpRequest(
        `${url}/api/card`,
        { method: "POST", agent, headers: { authorization: `tma ${initData}` } },
        (response) => {
          response.resume();
          response.on("end", () => resolve(response.statusCode ?? 0));
        },
      );
      request.on("error", () => resolve(0));
      request.end();
    });
  const started = performance.now();
  const statuses = await Promise.all(
    guests.flatMap((initData) => Array.from({ length: burstTapsPerGuest }, () => post(initData))),
  );
  const milliseconds = performance.now() - started;
  agent.destroy();
  const cards = (await (await fetch(`${url}/bench/cards`)).json()) as Burst["cards"];
  return { milliseconds, failures: statuses.filter((status) => status !== 201).length, cards };
}

// ---- the run ----

const databases: Array<() => Promise<BenchDatabase>> = [];
const serverUrl = process.env.DATABASE_URL;
if (serverUrl && options.database !== "pglite") databases.push(() => postgresBenchDatabase(serverUrl));
if (options.database !== "postgres") databases.push(async () => pgliteBenchDatabase());

console.log(
  `Hot-path bench: ${cpus().length} cores (${cpus()[0]?.model ?? "?"}), Node ${process.version}, load ${loadavg()
    .map((value) => value.toFixed(1))
    .join(" ")}; ${connections} connections, ${rounds} interleaved rounds × ${seconds} s per route\n`,
);

const results: Array<{ label: string; measurements: Measurement[]; burst: Burst }> = [];
let failed = false;
for (const make of databases) {
  const database = await make();
  try {
    const seeding = await database.open();
    await seeding.migrate();
    const issuers = await seedGuests(seeding, issuerCount, 700_000_000);
    const bursters = await seedGuests(seeding, burstGuests, 710_000_000);
    const holders = await seedHolders(seeding, liveCards);
    await seedAccounts(seeding, extraAccounts);
    const [{ total } = { total: 0 }] = await seeding.db
      .select({ total: sql<number>`count(*)::int` })
      .from(accounts);
    await seeding.close();

    const server = await startBenchServer({
      ...database.environment,
      BOT_TOKEN: benchBotToken,
      POS_API_KEYS: tills.map((till) => `${till.name}:${till.key}`).join(","),
    });
    try {
      console.log(
        `${database.label}: ${total.toLocaleString("en")} accounts, ${liveCards} live cards to identify`,
      );
      const measurements = await measureAll(server.url, holders, issuers);
      const burstResult = await burst(server.url, bursters);
      console.log(
        `  burst        ${burstGuests} guests × ${burstTapsPerGuest} new cards at once: ${burstResult.milliseconds.toFixed(0)} ms, ` +
          `${burstResult.failures} not 201; live cards ${burstResult.cards.live}, shared PINs ${burstResult.cards.shared_pins}, ` +
          `shared codes ${burstResult.cards.shared_codes}, second live cards ${burstResult.cards.second_cards}\n`,
      );
      const broken =
        burstResult.failures > 0 ||
        burstResult.cards.shared_pins + burstResult.cards.shared_codes + burstResult.cards.second_cards > 0 ||
        measurements.some((measurement) => measurement.failures > 0);
      failed ||= broken;
      results.push({ label: database.label, measurements, burst: burstResult });
    } finally {
      await server.stop();
    }
  } finally {
    await database.drop();
  }
}

// A table for the README.
const goals: Record<string, string> = {
  me: "≥ 0.5×",
  issue: "≥ 0.3×",
  "identify-16": "≥ 0.5×, p99 ≤ 15 ms",
};
console.log(
  `\n${cpus().length} cores, ${connections} connections, median of ${rounds} rounds × ${seconds} s\n`,
);
console.log("| database | route | req/s | × /health | p50 ms | p99 ms | errors | goal |");
console.log("|---|---|---:|---:|---:|---:|---:|---|");
for (const entry of results) {
  for (const measurement of entry.measurements) {
    console.log(
      `| ${entry.label} | ${measurement.scenario} | ${measurement.requestsPerSecond.toFixed(0)} | ` +
        `${measurement.ratio.toFixed(2)} | ${measurement.p50} | ${measurement.p99} | ${measurement.failures} | ` +
        `${goals[measurement.scenario] ?? ""} |`,
    );
  }
  const goal = entry.label.startsWith("PGlite") ? "≤ 3 s" : "≤ 1.5 s";
  console.log(
    `| ${entry.label} | burst: 1,000 new cards (50 × 20) | ${(entry.burst.milliseconds / 1000).toFixed(2)} s | | | | ${entry.burst.failures} | ${goal} |`,
  );
}
if (failed) console.log("\nFAILED: some requests were not answered 2xx, or the burst broke a card promise");
// autocannon keeps the event loop alive after a programmatic run.
process.exit(failed ? 1 : 0);
