// The fault-injection run of issue 16, repeatable: `pnpm faults` (README, "Faults"). Real server
// processes on PGlite and on PostgreSQL are killed, stopped under keep-alive traffic, cut off from a
// PostgreSQL of their own that is stopped and frozen, and fed malformed input; every 2xx answer is
// written to a ledger and checked after the restart. Loopback only; bounded in rounds and time.
// One table at the end: attempts, 2xx answered, lost, duplicated, 500s, hangs, resets.
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { Agent, request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type FakeBotApi, startFakeBotApi } from "../test/fake-bot-api";
import { freePort } from "../test/free-port";
import {
  authorization,
  createServerDatabase,
  postgresAnswers,
  postgresServerUrl,
  reviewServerEnvironment,
} from "../test/review-server-kit";
import { migratedDataDir, type ServerProcess, startServer } from "../test/server-process";
import {
  contactUpdate,
  type TestTelegramUser,
  telegramUser,
  testWebhookSecret,
} from "../test/telegram-updates";

const secretHeader = "x-telegram-bot-api-secret-token";
/** A request that takes longer than this is a hang: the server promises an answer within seconds. */
const hangMs = 10_000;
const managerId = 7_000_001;
const posKey = "faults-till-key-0123456789";

interface Row {
  scenario: string;
  database: string;
  attempts: number;
  answered2xx: number;
  lost: number;
  duplicated: number;
  serverErrors: number;
  hangs: number;
  resets: number;
  note: string;
}
const rows: Row[] = [];
const row = (scenario: string, database: string, figures: Partial<Row>): Row => {
  const entry: Row = {
    scenario,
    database,
    attempts: 0,
    answered2xx: 0,
    lost: 0,
    duplicated: 0,
    serverErrors: 0,
    hangs: 0,
    resets: 0,
    note: "",
    ...figures,
  };
  rows.push(entry);
  return entry;
};

afterAll(() => {
  const header = [
    "scenario",
    "database",
    "attempts",
    "2xx",
    "lost",
    "dup",
    "500s",
    "hangs",
    "resets",
    "note",
  ];
  const lines = rows.map((r) => [
    r.scenario,
    r.database,
    ...[r.attempts, r.answered2xx, r.lost, r.duplicated, r.serverErrors, r.hangs, r.resets].map(String),
    r.note,
  ]);
  const table = [header, header.map(() => "---"), ...lines].map((cells) => `| ${cells.join(" | ")} |`);
  console.log(`\nFaults (pnpm faults)\n\n${table.join("\n")}\n`);
});

// ─── Set-up ─────────────────────────────────────────────────────────────────────────────────────

type Place = { dataDir: string } | { url: string };
const postgresReachable = await postgresAnswers(postgresServerUrl);
const databases = ["PGlite", ...(postgresReachable ? ["PostgreSQL"] : [])] as const;

async function placeFor(database: string, cleanUps: Array<() => Promise<void>>): Promise<Place> {
  if (database === "PGlite") {
    const dataDir = migratedDataDir("guestcard-faults-");
    cleanUps.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    return { dataDir };
  }
  const created = await createServerDatabase(postgresServerUrl);
  if (!created) throw new Error("PostgreSQL does not answer");
  cleanUps.push(created.drop);
  return { url: created.url };
}

function environment(fake: FakeBotApi, place: Place): Record<string, string> {
  return {
    ...reviewServerEnvironment(fake.apiRoot, place),
    WEBHOOK_SECRET: testWebhookSecret,
    ADMIN_TELEGRAM_IDS: String(managerId),
    POS_API_KEYS: `till-1:${posKey}`,
    LOG_LEVEL: "warn",
  };
}

/** One request, classified: its status, or how it failed. Never throws. */
async function attempt(url: string, init: RequestInit): Promise<{ status: number } | { failure: string }> {
  const signal = AbortSignal.timeout(hangMs);
  try {
    const response = await fetch(url, { ...init, signal });
    await response.arrayBuffer();
    return { status: response.status };
  } catch (error) {
    if (signal.aborted) return { failure: "hang" };
    const cause = (error as { cause?: { code?: string } }).cause;
    return { failure: cause?.code ?? "network" };
  }
}

const json = (user: TestTelegramUser, body: unknown): RequestInit => ({
  method: "POST",
  headers: { ...authorization(user), "content-type": "application/json" },
  body: JSON.stringify(body),
});

// ─── SIGKILL during writes ──────────────────────────────────────────────────────────────────────

interface Ledger {
  /** Contact updates the webhook answered 200: Telegram will not send them again. */
  phones: Set<number>;
  /** Contact updates sent without an answer: Telegram sends them again after the restart. */
  unanswered: Map<number, unknown>;
  registered: Set<number>;
  reviews: Map<number, string>;
  attempts: number;
  serverErrors: number;
  hangs: number;
}

/** Guests share a phone, register and write a review, as fast as `workers` loops can, until stopped. */
function writeLoad(server: ServerProcess, firstId: number, workers: number, ledger: Ledger) {
  let stopped = false;
  let nextId = firstId;
  const count = (result: { status: number } | { failure: string }) => {
    ledger.attempts += 1;
    if ("status" in result && result.status >= 500) ledger.serverErrors += 1;
    if ("failure" in result && result.failure === "hang") ledger.hangs += 1;
    return "status" in result && result.status < 300;
  };
  const loop = async () => {
    while (!stopped) {
      const user = telegramUser(nextId++, "Fault");
      const update = contactUpdate(user, `+7921${String(user.id).slice(-7)}`);
      ledger.unanswered.set(user.id, update);
      const shared = await attempt(`${server.url}/telegram/webhook`, {
        method: "POST",
        headers: { "content-type": "application/json", [secretHeader]: testWebhookSecret },
        body: JSON.stringify(update),
      });
      if (!count(shared)) continue;
      ledger.unanswered.delete(user.id);
      ledger.phones.add(user.id);
      const registration = {
        lastName: "Fault",
        firstName: `Guest ${user.id}`,
        consents: { personalData: true },
      };
      if (!count(await attempt(`${server.url}/api/registration`, json(user, registration)))) continue;
      ledger.registered.add(user.id);
      const text = `fault review of guest ${user.id}`;
      if (!count(await attempt(`${server.url}/api/reviews`, json(user, { text, rating: 5 })))) continue;
      ledger.reviews.set(user.id, text);
    }
  };
  const running = Promise.all(Array.from({ length: workers }, loop));
  return async () => {
    stopped = true;
    await running;
  };
}

/** After the restart: Telegram re-sends what it got no answer for, then every acknowledged write is looked for. */
async function auditLedger(server: ServerProcess, ledger: Ledger) {
  let lost = 0;
  let duplicated = 0;
  for (const update of ledger.unanswered.values()) {
    const resent = await attempt(`${server.url}/telegram/webhook`, {
      method: "POST",
      headers: { "content-type": "application/json", [secretHeader]: testWebhookSecret },
      body: JSON.stringify(update),
    });
    if (!("status" in resent) || resent.status !== 200) lost += 1;
  }
  const everyone = new Set([...ledger.phones, ...ledger.unanswered.keys()]);
  for (const id of everyone) {
    const user = telegramUser(id, "Fault");
    const me = (await (await fetch(`${server.url}/api/me`, { headers: authorization(user) })).json()) as {
      status: string;
    };
    if (me.status === "needs_phone") lost += 1;
    else if (ledger.registered.has(id) && me.status !== "registered") lost += 1;
    const text = ledger.reviews.get(id);
    if (text === undefined) continue;
    const { reviews } = (await (
      await fetch(`${server.url}/api/reviews`, { headers: authorization(user) })
    ).json()) as {
      reviews: Array<{ text: string }>;
    };
    const copies = reviews.filter((review) => review.text === text).length;
    if (copies === 0) lost += 1;
    if (copies > 1) duplicated += copies - 1;
  }
  return { lost, duplicated };
}

describe.each(databases)("SIGKILL during writes, then a restart (%s)", (database) => {
  it("loses no acknowledged write and no shared phone", async () => {
    const cleanUps: Array<() => Promise<void>> = [];
    const fake = await startFakeBotApi();
    try {
      const env = environment(fake, await placeFor(database, cleanUps));
      const ledger: Ledger = {
        phones: new Set(),
        unanswered: new Map(),
        registered: new Set(),
        reviews: new Map(),
        attempts: 0,
        serverErrors: 0,
        hangs: 0,
      };
      const rounds = 3;
      let lost = 0;
      let duplicated = 0;
      for (let round = 0; round < rounds; round++) {
        const server = await startServer(env, 180_000);
        const stopLoad = writeLoad(server, 8_000_000 + round * 100_000, 6, ledger);
        // Killed at a random moment of the load: in a request, in a commit, between two.
        await new Promise((resolve) => setTimeout(resolve, 400 + Math.random() * 1600));
        await server.stop("SIGKILL");
        await stopLoad();
        const restarted = await startServer(env, 180_000);
        const audit = await auditLedger(restarted, ledger);
        ledger.unanswered.clear();
        lost += audit.lost;
        duplicated += audit.duplicated;
        await restarted.stop("SIGTERM");
      }
      const entry = row("SIGKILL during writes, restart", database, {
        attempts: ledger.attempts,
        answered2xx: ledger.phones.size + ledger.registered.size + ledger.reviews.size,
        lost,
        duplicated,
        serverErrors: ledger.serverErrors,
        hangs: ledger.hangs,
        note: `${rounds} kills; re-sent contacts processed`,
      });
      expect(entry.answered2xx, "the load got answers before each kill").toBeGreaterThan(0);
      expect({ lost, duplicated, serverErrors: entry.serverErrors }).toEqual({
        lost: 0,
        duplicated: 0,
        serverErrors: 0,
      });
    } finally {
      await fake.close();
      for (const cleanUp of cleanUps.reverse()) await cleanUp();
    }
  });
});

// ─── One DATA_DIR, two processes ────────────────────────────────────────────────────────────────

describe("two processes on one DATA_DIR (PGlite)", () => {
  it("the second refuses to start, with one clear line", async () => {
    const cleanUps: Array<() => Promise<void>> = [];
    const fake = await startFakeBotApi();
    try {
      const env = environment(fake, await placeFor("PGlite", cleanUps));
      const first = await startServer(env, 180_000);
      const second = await startServer(env, 180_000).then(
        (server) => ({ started: true as const, server }),
        (error: Error) => ({ started: false as const, message: error.message }),
      );
      await first.stop("SIGTERM");
      if (second.started) await second.server.stop("SIGTERM");
      row("two processes, one DATA_DIR", "PGlite", {
        attempts: 1,
        lost: second.started ? 1 : 0,
        note: second.started ? "the second process started" : "second refused to start",
      });
      expect(second.started).toBe(false);
      expect(second.started ? "" : second.message).toMatch(/in use by process \d+/);
    } finally {
      await fake.close();
      for (const cleanUp of cleanUps.reverse()) await cleanUp();
    }
  });
});

// ─── SIGTERM under keep-alive ───────────────────────────────────────────────────────────────────

/** A GET on its own keep-alive connection, classified like `attempt`. */
function keepAliveGet(url: string, agent: Agent, headers: Record<string, string>) {
  return new Promise<{ status: number } | { failure: string }>((resolve) => {
    const request = httpRequest(url, { agent, headers, timeout: hangMs }, (response) => {
      response.resume();
      response.on("end", () => resolve({ status: response.statusCode ?? 0 }));
      response.on("error", () => resolve({ failure: "ECONNRESET" }));
    });
    request.on("timeout", () => {
      request.destroy();
      resolve({ failure: "hang" });
    });
    request.on("error", (error: NodeJS.ErrnoException) => resolve({ failure: error.code ?? "network" }));
    request.end();
  });
}

describe.each(databases)("SIGTERM under keep-alive traffic (%s)", (database) => {
  it("stops within its deadline and resets no request it was answering", async () => {
    const cleanUps: Array<() => Promise<void>> = [];
    const fake = await startFakeBotApi();
    try {
      const env = { ...environment(fake, await placeFor(database, cleanUps)), SHUTDOWN_TIMEOUT_MS: "10000" };
      const server = await startServer(env, 180_000);
      const user = telegramUser(7_100_001, "Keep");
      let attempts = 0;
      let answered = 0;
      let resets = 0;
      let hangs = 0;
      let serverErrors = 0;
      let stopping = false;
      let refused = false;
      const client = async () => {
        const agent = new Agent({ keepAlive: true, maxSockets: 1 });
        while (!refused) {
          const result = await keepAliveGet(`${server.url}/api/me`, agent, authorization(user));
          attempts += 1;
          if ("status" in result) {
            if (result.status < 300) answered += 1;
            if (result.status >= 500) serverErrors += 1;
          } else if (result.failure === "ECONNREFUSED") refused = true;
          else if (result.failure === "hang") hangs += 1;
          // A request sent on a connection the server had just closed while idle is not a reset of a
          // request it was answering; one it accepted and then dropped is.
          else if (stopping && result.failure !== "ECONNRESET") refused = true;
          else resets += 1;
        }
        agent.destroy();
      };
      const clients = Promise.all(Array.from({ length: 10 }, client));
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const signalled = Date.now();
      stopping = true;
      const exitCode = await server.stop("SIGTERM");
      const stopMs = Date.now() - signalled;
      refused = true;
      await clients;
      row("SIGTERM, 10 keep-alive clients", database, {
        attempts,
        answered2xx: answered,
        resets,
        hangs,
        serverErrors,
        note: `exit ${exitCode} after ${stopMs} ms`,
      });
      expect({ exitCode, resets, hangs, serverErrors }).toEqual({
        exitCode: 0,
        resets: 0,
        hangs: 0,
        serverErrors: 0,
      });
      expect(stopMs).toBeLessThan(12_000);
    } finally {
      await fake.close();
      for (const cleanUp of cleanUps.reverse()) await cleanUp();
    }
  });
});

// ─── A PostgreSQL of our own: stopped, frozen, restarted ────────────────────────────────────────

const postgresBin = (() => {
  try {
    const versions = execFileSync("ls", ["/usr/lib/postgresql"], { encoding: "utf8" }).trim().split("\n");
    return join("/usr/lib/postgresql", versions.at(-1) ?? "", "bin");
  } catch {
    return null;
  }
})();

/** Runs a PostgreSQL binary as the postgres user (initdb refuses root). */
function asPostgres(binary: string, args: string[]) {
  const asRoot = process.getuid?.() === 0;
  const command = asRoot ? "runuser" : join(postgresBin as string, binary);
  const commandArgs = asRoot ? ["-u", "postgres", "--", join(postgresBin as string, binary), ...args] : args;
  const result = spawnSync(command, commandArgs, { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`${binary} failed: ${result.stderr}`);
}

describe.runIf(postgresBin !== null)("a PostgreSQL of its own, stopped, frozen and restarted", () => {
  it("answers /health within 1 s and 503 instead of hanging, and recovers without a restart", async () => {
    const cluster = mkdtempSync(join(tmpdir(), "guestcard-faults-pg-"));
    chmodSync(cluster, 0o777);
    const dataDir = join(cluster, "data");
    mkdirSync(dataDir);
    execFileSync("chown", ["-R", "postgres", cluster]);
    const port = await freePort();
    const pgCtl = (...args: string[]) => asPostgres("pg_ctl", ["-D", dataDir, "-w", ...args]);
    asPostgres("initdb", ["-D", dataDir, "-U", "postgres", "--auth=trust", "-E", "UTF8"]);
    const startCluster = () =>
      pgCtl(
        "-l",
        join(cluster, "log"),
        "-o",
        `-p ${port} -k ${cluster} -c listen_addresses=127.0.0.1`,
        "start",
      );
    startCluster();
    const fake = await startFakeBotApi();
    let server: ServerProcess | undefined;
    const postmasterGroup = () => {
      const postmaster = readFileSync(join(dataDir, "postmaster.pid"), "utf8").split("\n")[0] as string;
      const children = spawnSync("pgrep", ["-P", postmaster], { encoding: "utf8" }).stdout.trim().split("\n");
      return [postmaster, ...children.filter(Boolean)];
    };
    try {
      const env = {
        ...environment(fake, { url: `postgres://postgres@127.0.0.1:${port}/postgres` }),
        DATABASE_CONNECT_TIMEOUT_MS: "2000",
        DATABASE_STATEMENT_TIMEOUT_MS: "2000",
      };
      server = await startServer(env, 180_000);
      const up = server;
      const user = telegramUser(7_200_001, "Outage");
      // A registered guest, so the probe's write is a real one: a new card is a row in the database.
      const shared = await attempt(`${up.url}/telegram/webhook`, {
        method: "POST",
        headers: { "content-type": "application/json", [secretHeader]: testWebhookSecret },
        body: JSON.stringify(contactUpdate(user, "+79215550101")),
      });
      expect(shared).toEqual({ status: 200 });
      const registration = { lastName: "Outage", firstName: "Guest", consents: { personalData: true } };
      expect(await attempt(`${up.url}/api/registration`, json(user, registration))).toEqual({ status: 201 });
      const probe = async () => {
        const started = Date.now();
        const health = await attempt(`${up.url}/health`, {});
        const healthMs = Date.now() - started;
        const write = await attempt(`${up.url}/api/card`, json(user, {}));
        return { health, healthMs, write };
      };
      const states: Array<{ state: string; result: Awaited<ReturnType<typeof probe>> }> = [];
      pgCtl("-m", "fast", "stop");
      states.push({ state: "stopped", result: await probe() });
      startCluster();
      await expect
        .poll(async () => (await attempt(`${up.url}/health`, {})) as unknown, { timeout: 20_000 })
        .toEqual({
          status: 200,
        });
      const frozen = postmasterGroup();
      for (const pid of frozen) process.kill(Number(pid), "SIGSTOP");
      try {
        states.push({ state: "frozen", result: await probe() });
      } finally {
        for (const pid of frozen) process.kill(Number(pid), "SIGCONT");
      }
      await expect
        .poll(async () => (await attempt(`${up.url}/health`, {})) as unknown, { timeout: 20_000 })
        .toEqual({
          status: 200,
        });
      // With its log file, like every start: without one the server keeps pg_ctl's output pipe open.
      pgCtl(
        "-l",
        join(cluster, "log"),
        "-m",
        "fast",
        "restart",
        "-o",
        `-p ${port} -k ${cluster} -c listen_addresses=127.0.0.1`,
      );
      states.push({ state: "restarted", result: await probe() });
      await expect
        .poll(async () => (await attempt(`${up.url}/health`, {})) as unknown, { timeout: 20_000 })
        .toEqual({
          status: 200,
        });
      // Recovered without a restart of ours: a write succeeds again.
      const recovered = await attempt(`${up.url}/api/card`, json(user, {}));

      for (const { state, result } of states) {
        const status = (answer: typeof result.health) =>
          "status" in answer ? answer.status : answer.failure;
        row(`PostgreSQL ${state}`, "PostgreSQL (own)", {
          attempts: 2,
          hangs: [result.health, result.write].filter(
            (answer) => "failure" in answer && answer.failure === "hang",
          ).length,
          serverErrors: [result.health, result.write].filter(
            (answer) => "status" in answer && answer.status >= 500 && answer.status !== 503,
          ).length,
          note: `/health ${status(result.health)} in ${result.healthMs} ms; write ${status(result.write)}`,
        });
      }
      for (const { state, result } of states.filter(({ state }) => state !== "restarted")) {
        expect({ state, health: result.health, fast: result.healthMs < 1000 }).toEqual({
          state,
          health: { status: 503 },
          fast: true,
        });
        expect({ state, write: result.write }).toEqual({ state, write: { status: 503 } });
      }
      // Just restarted, the server is back: either answer is honest, a hang or a 500 is not.
      const restarted = states.find(({ state }) => state === "restarted")?.result;
      expect([{ status: 200 }, { status: 503 }]).toContainEqual(restarted?.health);
      expect(restarted?.healthMs).toBeLessThan(1000);
      expect([{ status: 201 }, { status: 503 }]).toContainEqual(restarted?.write);
      expect(recovered).toEqual({ status: 201 });
    } finally {
      await server?.stop("SIGTERM");
      await fake.close();
      spawnSync("runuser", [
        "-u",
        "postgres",
        "--",
        join(postgresBin as string, "pg_ctl"),
        "-D",
        dataDir,
        "-m",
        "immediate",
        "stop",
      ]);
      rmSync(cluster, { recursive: true, force: true });
    }
  });
});

// ─── Malformed input ────────────────────────────────────────────────────────────────────────────

/** Bodies nobody should send; each goes to every JSON endpoint. */
const badBodies: Array<[string, string]> = [
  ["empty", ""],
  ["not JSON", "{"],
  ["an array", "[]"],
  ["null", "null"],
  ["a string", '"text"'],
  [
    "NUL in text",
    '{"text":"a\\u0000b","firstName":"\\u0000","lastName":"x","name":"\\u0000","code":"\\u0000"}',
  ],
  [
    "lone surrogate",
    '{"text":"\\ud800","firstName":"\\ud800","lastName":"\\udfff","name":"\\ud800","code":"\\ud800"}',
  ],
  [
    "wrong types",
    '{"text":5,"rating":"five","firstName":[],"consents":"yes","code":123,"cardTtlSeconds":"1"}',
  ],
  ["huge numbers", '{"rating":1e308,"cardTtlSeconds":-1e308,"total":1e400,"redeem":-1}'],
  ["deep nesting", `${"[".repeat(5000)}${"]".repeat(5000)}`],
  ["bidi and zero-width", '{"firstName":"\\u202e\\u200b","lastName":"\\u200b","text":"\\u202e"}'],
  ["100 kB of text", JSON.stringify({ text: "я".repeat(50_000), firstName: "a".repeat(50_000) })],
];

describe("malformed input (PGlite)", () => {
  it("never answers 500, never hangs, never shows a stack trace", async () => {
    const cleanUps: Array<() => Promise<void>> = [];
    const fake = await startFakeBotApi();
    try {
      const server = await startServer(environment(fake, await placeFor("PGlite", cleanUps)), 180_000);
      const manager = telegramUser(managerId, "Manager");
      const guest = telegramUser(7_300_001, "Guest");
      const routes: Array<[string, string, Record<string, string>]> = [
        ["POST", "/api/registration", authorization(guest)],
        ["POST", "/api/reviews", authorization(guest)],
        ["POST", "/api/card", authorization(guest)],
        ["POST", "/api/pos/identify", { authorization: `Bearer ${posKey}` }],
        ["POST", "/api/manager/sources", authorization(manager)],
        ["PUT", "/api/manager/settings", authorization(manager)],
        ["POST", "/telegram/webhook", { [secretHeader]: testWebhookSecret }],
      ];
      let attempts = 0;
      let serverErrors = 0;
      let hangs = 0;
      const stackTraces: string[] = [];
      const hung: string[] = [];
      for (const [method, path, headers] of routes) {
        for (const [name, body] of badBodies) {
          for (const contentType of ["application/json", "text/plain"]) {
            attempts += 1;
            const signal = AbortSignal.timeout(hangMs);
            try {
              const response = await fetch(`${server.url}${path}`, {
                method,
                headers: { ...headers, "content-type": contentType },
                body,
                signal,
              });
              const text = await response.text();
              if (response.status >= 500) serverErrors += 1;
              if (/\bat .+:\d+:\d+\)?/.test(text)) stackTraces.push(`${method} ${path} ${name}`);
            } catch {
              hangs += 1;
              hung.push(`${method} ${path} ${name} (${contentType})`);
            }
          }
        }
      }
      await server.stop("SIGTERM");
      row("malformed input corpus", "PGlite", {
        attempts,
        serverErrors,
        hangs,
        note: `${routes.length} routes × ${badBodies.length} bodies × 2 content types`,
      });
      expect({ serverErrors, hung, stackTraces }).toEqual({ serverErrors: 0, hung: [], stackTraces: [] });
    } finally {
      await fake.close();
      for (const cleanUp of cleanUps.reverse()) await cleanUp();
    }
  });
});
