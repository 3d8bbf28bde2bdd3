// `pnpm loadtest`: a busy evening against two server processes sharing one PostgreSQL database,
// with a fake Telegram Bot API that rate-limits group messages as Telegram does (20 a minute).
//
//   1. onboarding: N guests /start the bot and share their phone through the webhook (a tenth of
//      them are in the restaurant's imported guest base and are linked at once), open the Mini App
//      and register; a few updates are delivered twice, as Telegram does after a timeout;
//   2. the evening (60 s): guests open the Mini App and their card while tills identify them by PIN
//      or QR at a steady rate, some guests send reviews, Prometheus scrapes /metrics, and a little
//      deliberate bad input arrives (wrong keys, forged initData, a misheard PIN, broken JSON);
//   3. the drain: wait until every review has reached the managers' chat.
//
// It prints requests, errors, p50/p99 per endpoint, reviews stored vs delivered, duplicate live PINs,
// and exits 1 if any figure is wrong. Traffic goes to 127.0.0.1 only; every phase is bounded in count
// and time, and the whole run stops itself after LOADTEST_DEADLINE_SECONDS (default 300).
//
// Settings (environment): LOADTEST_ADMIN_URL (a PostgreSQL server, default the local one),
// LOADTEST_GUESTS (2000), LOADTEST_EVENING_SECONDS (60), LOADTEST_VISITS_PER_SECOND (25),
// LOADTEST_REVIEWS (24), LOADTEST_KEEP_DATABASE=1 keeps `guestcard_loadtest` for a look afterwards.
import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, mkdtempSync, readFileSync } from "node:fs";
import { Agent, request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import postgres from "postgres";
import { signInitData } from "../src/demo/launch-url";
import { secretHeader } from "../src/telegram/webhook";
import { type FakeBotApi, startFakeBotApi } from "../test/fake-bot-api";
import { freePort } from "../test/free-port";
import { contactUpdate, startUpdate, type TestTelegramUser } from "../test/telegram-updates";

const setting = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
};
const adminUrl = process.env.LOADTEST_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const guestCount = Math.min(setting("LOADTEST_GUESTS", 2000), 20_000);
const eveningSeconds = Math.min(setting("LOADTEST_EVENING_SECONDS", 60), 180);
const visitsPerSecond = Math.min(setting("LOADTEST_VISITS_PER_SECOND", 25), 500);
const reviewCount = Math.min(setting("LOADTEST_REVIEWS", 24), 200);
const deadlineSeconds = setting("LOADTEST_DEADLINE_SECONDS", 300);
const onboardingConcurrency = 24;
const databaseName = "guestcard_loadtest";

// Test-shaped credentials: nothing here reaches Telegram.
const botToken = "7000000001:LOADTEST-token_abcdefghijklmnopqrstuvwxyz";
const webhookSecret = "loadtest_webhook-secret";
const metricsToken = "loadtest-metrics-token-0123";
const managerChatId = -1_009_000_000_001;
const managerId = 9_000_000_001;
const terminals = Array.from({ length: 8 }, (_, index) => ({
  name: `till-${index + 1}`,
  secret: `till-${index + 1}-secret`,
}));
// Staff practising on the cashier page mistype PINs here: under 10 misses a minute, so never blocked.
const trainingTerminal = { name: "till-training", secret: "till-training-secret" };

const apiRoot = fileURLToPath(new URL("..", import.meta.url));
const startedAt = performance.now();
const elapsed = () => `${((performance.now() - startedAt) / 1000).toFixed(1)} s`;
const log = (line: string) => console.log(`[${elapsed()}] ${line}`);

// ---------------------------------------------------------------------------------------------
// HTTP with keep-alive, and a latency record per endpoint.

const agent = new Agent({ keepAlive: true, maxSockets: 256 });

interface Answer {
  status: number;
  text: string;
}

interface EndpointRecord {
  latenciesMs: number[];
  errors: number;
  deliberate: number;
  statuses: Map<number, number>;
}

const records = new Map<string, EndpointRecord>();
const errorSamples: string[] = [];
let phase = "setup";

function recordFor(endpoint: string): EndpointRecord {
  const key = `${phase}\t${endpoint}`;
  let record = records.get(key);
  if (!record) {
    record = { latenciesMs: [], errors: 0, deliberate: 0, statuses: new Map() };
    records.set(key, record);
  }
  return record;
}

function send(
  base: string,
  method: string,
  path: string,
  options: { headers?: Record<string, string>; json?: unknown; body?: string; contentType?: string } = {},
): Promise<Answer> {
  const body = options.json !== undefined ? JSON.stringify(options.json) : options.body;
  const headers: Record<string, string> = { ...options.headers };
  if (body !== undefined) {
    headers["content-type"] = options.contentType ?? "application/json";
    headers["content-length"] = String(Buffer.byteLength(body));
  }
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      `${base}${path}`,
      { method, headers, agent, timeout: 30_000 },
      (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
        incoming.on("end", () =>
          resolve({ status: incoming.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }),
        );
        incoming.on("error", reject);
      },
    );
    outgoing.on("timeout", () => outgoing.destroy(new Error("timed out after 30 s")));
    outgoing.on("error", reject);
    outgoing.end(body);
  });
}

/**
 * One request, timed and checked: `expected` is the status it must get. `deliberate` marks bad
 * input sent on purpose — it must get its (4xx) status, and is reported apart from the rest.
 */
async function call(
  base: string,
  endpoint: string,
  expected: number,
  options: Parameters<typeof send>[3] & { deliberate?: boolean } = {},
): Promise<Answer | undefined> {
  const [method, path] = endpoint.split(" ", 2) as [string, string];
  const pathWithoutQuery = path.split("?")[0] as string;
  const record = recordFor(`${method} ${pathWithoutQuery}`);
  if (options.deliberate) record.deliberate++;
  const started = performance.now();
  try {
    const answer = await send(base, method, path, options);
    record.latenciesMs.push(performance.now() - started);
    record.statuses.set(answer.status, (record.statuses.get(answer.status) ?? 0) + 1);
    if (answer.status !== expected) {
      record.errors++;
      if (errorSamples.length < 20)
        errorSamples.push(
          `${endpoint} → ${answer.status} (expected ${expected}): ${answer.text.slice(0, 200)}`,
        );
      return undefined;
    }
    return answer;
  } catch (error) {
    record.errors++;
    record.statuses.set(0, (record.statuses.get(0) ?? 0) + 1);
    if (errorSamples.length < 20) errorSamples.push(`${endpoint} → ${(error as Error).message}`);
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// The database, the fake Bot API, two server processes.

async function freshDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {}, connect_timeout: 5 });
  await admin.unsafe(`drop database if exists ${databaseName} with (force)`);
  await admin.unsafe(`create database ${databaseName}`);
  const url = new URL(adminUrl);
  url.pathname = `/${databaseName}`;
  return {
    url: url.toString(),
    drop: async () => {
      if (process.env.LOADTEST_KEEP_DATABASE !== "1")
        await admin.unsafe(`drop database if exists ${databaseName} with (force)`);
      await admin.end({ timeout: 5 });
    },
  };
}

interface Server {
  name: string;
  url: string;
  child: ChildProcess;
  logFile: string;
  exited: Promise<number | null>;
}

async function startServerProcess(
  name: string,
  environment: Record<string, string>,
  logDirectory: string,
): Promise<Server> {
  const port = await freePort();
  const logFile = join(logDirectory, `${name}.log`);
  const output = createWriteStream(logFile);
  // The server as `pnpm start` runs it; its log goes to a file, as a process manager would keep it.
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: apiRoot,
    env: { PATH: process.env.PATH ?? "", HOST: "127.0.0.1", PORT: String(port), ...environment },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.pipe(output);
  child.stderr?.pipe(output);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}; see ${logFile}`);
    try {
      if ((await send(url, "GET", "/health")).status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${name} did not become healthy in 90 s; see ${logFile}`);
    await sleep(200);
  }
  return { name, url, child, logFile, exited };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------
// Guests.

interface Guest {
  user: TestTelegramUser;
  phone: string;
  authorization: string;
  known: boolean;
  accountId?: string;
}

function makeGuests(): Guest[] {
  return Array.from({ length: guestCount }, (_, index) => {
    const user: TestTelegramUser = {
      id: 5_000_000_000 + index,
      firstName: `Гость${index}`,
      lastName: "Loadtest",
      username: `lt_guest_${index}`,
      languageCode: index % 3 === 0 ? "en" : "ru",
    };
    return {
      user,
      phone: `+7916${String(index).padStart(7, "0")}`,
      authorization: `tma ${signInitData(
        {
          id: user.id,
          firstName: user.firstName,
          lastName: user.lastName,
          username: user.username,
          languageCode: user.languageCode,
        },
        botToken,
      )}`,
      known: index % 10 === 0,
    };
  });
}

/** Runs `work` for every item, at most `concurrency` at a time. */
async function inParallel<T>(
  items: T[],
  concurrency: number,
  work: (item: T, index: number) => Promise<void>,
) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const index = next++;
        await work(items[index] as T, index);
      }
    }),
  );
}

// ---------------------------------------------------------------------------------------------
// Figures.

function percentile(sorted: number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] as number;
}

function printTable(title: string, phaseName: string, seconds: number) {
  const rows = [...records.entries()]
    .filter(([key]) => key.startsWith(`${phaseName}\t`))
    .map(([key, record]) => ({ endpoint: key.split("\t")[1] as string, record }))
    .sort((a, b) => b.record.latenciesMs.length - a.record.latenciesMs.length);
  const total = rows.reduce(
    (sum, row) => sum + row.record.latenciesMs.length + (row.record.statuses.get(0) ?? 0),
    0,
  );
  console.log(
    `\n${title}: ${total} requests in ${seconds.toFixed(1)} s (${(total / seconds).toFixed(0)} req/s)`,
  );
  console.log(
    "  endpoint                      requests  errors  deliberate   p50 ms   p99 ms   max ms  statuses",
  );
  for (const { endpoint, record } of rows) {
    const sorted = [...record.latenciesMs].sort((a, b) => a - b);
    const statuses = [...record.statuses.entries()].map(([status, count]) => `${status}×${count}`).join(" ");
    console.log(
      `  ${endpoint.padEnd(28)} ${String(sorted.length).padStart(9)} ${String(record.errors).padStart(7)} ${String(record.deliberate).padStart(11)} ${percentile(sorted, 0.5).toFixed(1).padStart(8)} ${percentile(sorted, 0.99).toFixed(1).padStart(8)} ${(sorted.at(-1) ?? Number.NaN).toFixed(1).padStart(8)}  ${statuses}`,
    );
  }
}

function sampleValue(exposition: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  for (const line of exposition.split("\n")) {
    if (!line.startsWith(name)) continue;
    const match = /^([\w:]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    if (Object.entries(labels).every(([key, value]) => (match[2] ?? "").includes(`${key}="${value}"`)))
      total += Number(match[3]);
  }
  return total;
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const hardStop = setTimeout(() => {
    console.error(`\nLoad test: still running after ${deadlineSeconds} s; stopping.`);
    for (const server of servers) server.child.kill("SIGKILL");
    process.exit(2);
  }, deadlineSeconds * 1000);
  hardStop.unref();

  console.log(
    `Load test: ${guestCount} guests, ${eveningSeconds} s evening at ${visitsPerSecond} visits/s, ${reviewCount} reviews, 2 server processes, PostgreSQL`,
  );
  const database = await freshDatabase();
  const telegram: FakeBotApi = await startFakeBotApi({ rateLimit: { perChatPerMinute: 20 } });
  const logDirectory = mkdtempSync(join(tmpdir(), "guestcard-loadtest-"));
  const environment = {
    BOT_TOKEN: botToken,
    BOT_MODE: "webhook",
    PUBLIC_URL: "https://loadtest.invalid",
    WEBHOOK_SECRET: webhookSecret,
    TELEGRAM_API_ROOT: telegram.apiRoot,
    MANAGER_CHAT_ID: String(managerChatId),
    ADMIN_TELEGRAM_IDS: String(managerId),
    POS_API_KEYS: [...terminals, trainingTerminal].map((key) => `${key.name}:${key.secret}`).join(","),
    METRICS_TOKEN: metricsToken,
    DATABASE_URL: database.url,
    LOG_LEVEL: "info",
    NODE_ENV: "production",
  };
  // Started one after the other would hide a migration race; together is how a rollout starts them.
  servers.push(
    ...(await Promise.all(
      ["server-a", "server-b"].map((name) => startServerProcess(name, environment, logDirectory)),
    )),
  );
  log(`two servers up (${servers.map((server) => server.url).join(", ")}); logs in ${logDirectory}`);
  let turn = 0;
  /** The load balancer: round robin over the two processes. */
  const nextServer = () => (servers[turn++ % servers.length] as Server).url;

  const guests = makeGuests();
  const manager = `tma ${signInitData({ id: managerId, firstName: "Manager" }, botToken)}`;
  const webhookHeaders = { [secretHeader]: webhookSecret };

  // --- Setup: the restaurant's guest base and a tagged link, as a manager would.
  const guestBase = [
    "phone,last_name,first_name",
    ...guests.filter((guest) => guest.known).map((guest) => `${guest.phone},Known,${guest.user.firstName}`),
  ].join("\n");
  await call(nextServer(), "POST /api/manager/accounts/import", 200, {
    headers: { authorization: manager },
    body: guestBase,
    contentType: "text/csv",
  });
  await call(nextServer(), "POST /api/manager/sources", 201, {
    headers: { authorization: manager },
    json: { name: "Table tents", code: "table-tent" },
  });

  // --- 1. Onboarding.
  phase = "onboarding";
  const onboardingStarted = performance.now();
  let resentUpdates = 0;
  await inParallel(guests, onboardingConcurrency, async (guest, index) => {
    const start = startUpdate(guest.user, index % 4 === 0 ? "table-tent" : undefined);
    await call(nextServer(), "POST /telegram/webhook", 200, { headers: webhookHeaders, json: start });
    const contact = contactUpdate(guest.user, guest.phone.slice(1));
    await call(nextServer(), "POST /telegram/webhook", 200, { headers: webhookHeaders, json: contact });
    if (index % 50 === 0) {
      // Telegram re-sends an update it got no answer for in time; it must take effect once.
      resentUpdates++;
      await call(nextServer(), "POST /telegram/webhook", 200, { headers: webhookHeaders, json: contact });
    }
    const me = await call(nextServer(), "GET /api/me", 200, {
      headers: { authorization: guest.authorization },
    });
    const status = me
      ? (JSON.parse(me.text) as { status: string; account: { id: string } | null })
      : undefined;
    if (guest.known) {
      if (status?.status !== "registered") {
        recordFor("GET /api/me").errors++;
        errorSamples.push(`known guest ${index} not linked: ${status?.status}`);
      }
      guest.accountId = status?.account?.id;
      return;
    }
    const registered = await call(nextServer(), "POST /api/registration", 201, {
      headers: { authorization: guest.authorization },
      json: {
        lastName: "Loadtest",
        firstName: guest.user.firstName,
        email: `guest${index}@example.com`,
        consents: { personalData: true, marketing: index % 2 === 0 },
      },
    });
    if (registered) guest.accountId = (JSON.parse(registered.text) as { account: { id: string } }).account.id;
  });
  const onboardingSeconds = (performance.now() - onboardingStarted) / 1000;
  log(
    `onboarding done: ${guests.filter((guest) => guest.accountId).length}/${guests.length} guests with an account`,
  );

  // --- 2. The evening.
  phase = "evening";
  const eveningStarted = performance.now();
  let visitsStarted = 0;
  let wrongGuest = 0;
  let reviewsAccepted = 0;
  const inFlight = new Set<Promise<void>>();
  const track = (work: Promise<void>) => {
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  };

  const visit = async (guest: Guest, number: number) => {
    const authorization = { authorization: guest.authorization };
    const base = nextServer();
    await call(base, "GET /api/me", 200, { headers: authorization });
    const issued = await call(nextServer(), "POST /api/card", 201, { headers: authorization });
    if (!issued) return;
    const card = JSON.parse(issued.text) as { pin: string; code: string };
    await call(nextServer(), "GET /api/card", 200, { headers: authorization });
    const terminal = terminals[number % terminals.length] as (typeof terminals)[number];
    const identified = await call(nextServer(), "POST /api/pos/identify", 200, {
      headers: { authorization: `Bearer ${terminal.secret}` },
      json: { code: number % 3 === 0 ? card.code : `${card.pin.slice(0, 3)} ${card.pin.slice(3)}` },
    });
    if (
      identified &&
      (JSON.parse(identified.text) as { account: { id: string } }).account.id !== guest.accountId
    ) {
      wrongGuest++;
    }
  };

  const review = async (guest: Guest, number: number) => {
    const accepted = await call(nextServer(), "POST /api/reviews", 202, {
      headers: { authorization: guest.authorization },
      json: {
        text:
          number % 6 === 0
            ? `#R${number}# ${"Суп был великолепен, <b>спасибо</b> & до встречи! ".repeat(75)}`
            : `#R${number}# The soup was <great> & the staff "kind".`,
        rating: (number % 5) + 1,
      },
    });
    if (accepted) reviewsAccepted++;
  };

  const forged = guests[0]?.authorization.replace(/hash=[0-9a-f]/, "hash=z") ?? "tma x";
  const deliberate: Array<() => Promise<unknown>> = [
    () =>
      call(nextServer(), "POST /api/pos/identify", 401, {
        deliberate: true,
        headers: { authorization: "Bearer not-a-till-key" },
        json: { code: "000000" },
      }),
    () => call(nextServer(), "GET /api/me", 401, { deliberate: true, headers: { authorization: forged } }),
    () =>
      call(nextServer(), "POST /telegram/webhook", 401, {
        deliberate: true,
        headers: { [secretHeader]: "wrong" },
        json: { update_id: 1 },
      }),
    () =>
      call(nextServer(), "POST /api/reviews", 400, {
        deliberate: true,
        headers: { authorization: guests[1]?.authorization ?? "" },
        body: '{"text":',
      }),
    () =>
      call(nextServer(), "POST /api/registration", 409, {
        deliberate: true,
        headers: { authorization: guests[2]?.authorization ?? "" },
        json: { lastName: "Again", firstName: "Again", consents: { personalData: true } },
      }),
    () => call(nextServer(), "GET /api/no-such-endpoint", 404, { deliberate: true }),
  ];
  let deliberateSent = 0;

  const deadline = eveningStarted + eveningSeconds * 1000;
  const visitInterval = 1000 / visitsPerSecond;
  const reviewInterval = (eveningSeconds * 1000) / reviewCount;
  let nextVisitAt = eveningStarted;
  let nextReviewAt = eveningStarted + reviewInterval / 2;
  let nextDeliberateAt = eveningStarted + 500;
  let nextTypoAt = eveningStarted + 1000;
  let nextScrapeAt = eveningStarted + 5000;
  let reviewNumber = 0;
  let backlogged = 0;
  // Visits take guests in turn from the front, reviews from the back: no guest's card is replaced
  // by a second visit while a till is still reading the first.
  while (performance.now() < deadline) {
    const now = performance.now();
    while (nextVisitAt <= now && nextVisitAt < deadline) {
      if (inFlight.size > 2000) backlogged++;
      const number = visitsStarted++;
      track(visit(guests[number % guests.length] as Guest, number));
      nextVisitAt += visitInterval;
    }
    if (nextReviewAt <= now && reviewNumber < reviewCount) {
      const number = reviewNumber++;
      track(review(guests[guests.length - 1 - number] as Guest, number));
      nextReviewAt += reviewInterval;
    }
    if (nextDeliberateAt <= now) {
      track(
        (deliberate[deliberateSent++ % deliberate.length] as () => Promise<void>)().then(() => undefined),
      );
      nextDeliberateAt += 1000;
    }
    if (nextTypoAt <= now) {
      // A misheard PIN (6 digits, wrong check digit): 422, and counted as the training till's miss.
      deliberateSent++;
      track(
        call(nextServer(), "POST /api/pos/identify", 422, {
          deliberate: true,
          headers: { authorization: `Bearer ${trainingTerminal.secret}` },
          json: { code: "482910" },
        }).then(() => undefined),
      );
      nextTypoAt += 10_000;
    }
    if (nextScrapeAt <= now) {
      track(
        call(nextServer(), "GET /metrics", 200, {
          headers: { authorization: `Bearer ${metricsToken}` },
        }).then(() => undefined),
      );
      nextScrapeAt += 5000;
    }
    await sleep(Math.max(0, Math.min(nextVisitAt, nextReviewAt, nextDeliberateAt) - performance.now()));
  }
  await Promise.all([...inFlight]);
  const eveningDuration = (performance.now() - eveningStarted) / 1000;
  log(`evening done: ${visitsStarted} visits, ${reviewsAccepted} reviews accepted`);

  // --- 3. The drain: every review reaches the managers' chat, at Telegram's pace.
  phase = "drain";
  const sql = postgres(database.url, { max: 1, onnotice: () => {} });
  const drainStarted = performance.now();
  let stored = 0;
  let delivered = 0;
  for (;;) {
    const [row] = await sql<{ stored: number; delivered: number }[]>`
      select count(*)::int as stored, count(delivered_at)::int as delivered from reviews`;
    stored = row?.stored ?? 0;
    delivered = row?.delivered ?? 0;
    if (delivered >= stored || performance.now() - drainStarted > 150_000) break;
    await sleep(1000);
  }
  const drainSeconds = (performance.now() - drainStarted) / 1000;
  log(`drain done in ${drainSeconds.toFixed(1)} s`);

  // --- Figures from the database, the fake Telegram and the servers' own metrics.
  const [pins] = await sql<
    { duplicate_pins: number; duplicate_codes: number; accounts_with_two_live: number; live: number }[]
  >`
    select
      (select count(*)::int from (select pin from cards where revoked_at is null and expires_at > now()
        group by pin having count(*) > 1) as d) as duplicate_pins,
      (select count(*)::int from (select code from cards where revoked_at is null and expires_at > now()
        group by code having count(*) > 1) as d) as duplicate_codes,
      (select count(*)::int from (select account_id from cards where revoked_at is null and expires_at > now()
        group by account_id having count(*) > 1) as d) as accounts_with_two_live,
      (select count(*)::int from cards where revoked_at is null and expires_at > now()) as live`;
  const [processed] = await sql<
    { updates: number }[]
  >`select count(*)::int as updates from processed_updates`;
  // From "sent" in the guest's app to the managers' chat: Telegram's 20 messages a minute set the pace.
  const [deliveryTimes] = await sql<{ p50: number | null; max: number | null }[]>`
    select percentile_cont(0.5) within group (order by extract(epoch from delivered_at - created_at))::float8 as p50,
           max(extract(epoch from delivered_at - created_at))::float8 as max
    from reviews where delivered_at is not null`;
  await sql.end();
  const managerMessages = telegram.messagesTo(managerChatId).length;
  // Each review's text starts with its own marker: seen once each means none lost, none sent twice.
  const markersInChat = telegram
    .messagesTo(managerChatId)
    .flatMap((params) => [...String(params.text).matchAll(/#R(\d+)#/g)].map((match) => match[1]));
  const reviewIdsInChat = new Set(markersInChat);
  const telegram429s = telegram.calls.filter((call) => call.status === 429).length;
  const getChatMemberCalls = telegram.callsTo("getChatMember").length;
  let duplicatesSkipped = 0;
  for (const server of servers) {
    const scrape = await send(server.url, "GET", "/metrics", {
      headers: { authorization: `Bearer ${metricsToken}` },
    });
    duplicatesSkipped += sampleValue(scrape.text, "guestcard_telegram_updates_total", {
      result: "duplicate",
    });
  }

  // --- Stop the servers as an orchestrator would (SIGTERM), and read their logs.
  for (const server of servers) server.child.kill("SIGTERM");
  const exitCodes = await Promise.all(servers.map((server) => server.exited));
  await telegram.close();
  await database.drop();
  agent.destroy();
  const logLines = servers.flatMap((server) =>
    readFileSync(server.logFile, "utf8").split("\n").filter(Boolean),
  );
  const errorLines = logLines.filter((line) => /"level":(50|60)/.test(line));

  // --- Report.
  printTable("Onboarding", "onboarding", onboardingSeconds);
  printTable("Evening", "evening", eveningDuration);
  const everything = [...records.values()];
  const requests = everything.reduce(
    (sum, record) => sum + record.latenciesMs.length + (record.statuses.get(0) ?? 0),
    0,
  );
  const errors = everything.reduce((sum, record) => sum + record.errors, 0);
  const deliberateTotal = everything.reduce((sum, record) => sum + record.deliberate, 0);
  const checks: Array<[string, string | number, boolean]> = [
    ["requests (all phases)", requests, true],
    [
      "errors (wrong status or no answer; deliberate bad input that got its 4xx is not one)",
      errors,
      errors === 0,
    ],
    ["deliberate bad input sent (each got its expected 4xx)", deliberateTotal, deliberateTotal > 0],
    ["tills identifying the wrong guest", wrongGuest, wrongGuest === 0],
    ["evening visits not started on time (generator backlog)", backlogged, backlogged === 0],
    ["reviews accepted (202)", reviewsAccepted, reviewsAccepted === reviewCount],
    ["reviews stored", stored, stored === reviewsAccepted],
    [`reviews delivered after the drain (${drainSeconds.toFixed(0)} s)`, delivered, delivered === stored],
    [
      "review delivery time, stored → in the managers' chat (p50 / max)",
      `${(deliveryTimes?.p50 ?? Number.NaN).toFixed(1)} s / ${(deliveryTimes?.max ?? Number.NaN).toFixed(1)} s`,
      true,
    ],
    ["managers' chat messages (long reviews take several)", managerMessages, managerMessages >= stored],
    [
      "reviews seen in the managers' chat (distinct / in all)",
      `${reviewIdsInChat.size} / ${markersInChat.length}`,
      reviewIdsInChat.size === stored && markersInChat.length === stored,
    ],
    ["Telegram 429 answers (pacing should avoid them)", telegram429s, true],
    [
      "webhook updates re-sent / skipped as duplicates",
      `${resentUpdates} / ${duplicatesSkipped}`,
      resentUpdates === duplicatesSkipped,
    ],
    [
      "updates processed (stored update ids)",
      processed?.updates ?? 0,
      (processed?.updates ?? 0) === guestCount * 2,
    ],
    ["live cards", pins?.live ?? 0, true],
    ["duplicate live PINs", pins?.duplicate_pins ?? -1, pins?.duplicate_pins === 0],
    ["duplicate live QR codes", pins?.duplicate_codes ?? -1, pins?.duplicate_codes === 0],
    ["accounts with two live cards", pins?.accounts_with_two_live ?? -1, pins?.accounts_with_two_live === 0],
    ["getChatMember calls (manager check on /api/me)", getChatMemberCalls, true],
    ["server log lines at error level", errorLines.length, errorLines.length === 0],
    ["server exit codes after SIGTERM", exitCodes.join(", "), exitCodes.every((code) => code === 0)],
  ];
  console.log("\nFigures");
  for (const [label, value, ok] of checks)
    console.log(`  ${ok ? "ok  " : "FAIL"}  ${label.padEnd(86)} ${value}`);
  if (errorSamples.length > 0) console.log(`\nFirst errors:\n  ${errorSamples.join("\n  ")}`);
  if (errorLines.length > 0)
    console.log(`\nFirst error log lines:\n  ${errorLines.slice(0, 5).join("\n  ")}`);
  const passed = checks.every(([, , ok]) => ok);
  console.log(`\nLoad test ${passed ? "passed" : "FAILED"} in ${elapsed()}.`);
  clearTimeout(hardStop);
  process.exit(passed ? 0 : 1);
}

const servers: Server[] = [];
main().catch((error: unknown) => {
  console.error("Load test failed to run:", error);
  for (const server of servers) server.child.kill("SIGKILL");
  process.exit(1);
});
