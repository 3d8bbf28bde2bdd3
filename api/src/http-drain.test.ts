import { mkdtempSync, rmSync } from "node:fs";
import { Agent, request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { type BotApiGate, startBotApiGate } from "../test/bot-api-gate";
import { type FakeBotApi, startFakeBotApi } from "../test/fake-bot-api";
import {
  authorization,
  createServerDatabase,
  reviewServerEnvironment,
  startReviewServer,
} from "../test/review-server-kit";
import type { ServerProcess } from "../test/server-process";
import { contactUpdate, telegramUser, testWebhookSecret } from "../test/telegram-updates";
import { secretHeader } from "./telegram/webhook";

// The database the server processes use: a database of their own on TEST_DATABASE_URL's server when
// it is set (CI's PostgreSQL run), else the embedded PGlite in a DATA_DIR, as `pnpm start` uses it.
const serverUrl = process.env.TEST_DATABASE_URL;
const databaseKind = serverUrl ? "PostgreSQL" : "embedded PGlite";

interface Answer {
  status: number;
  connection: string | undefined;
  keepAlive: string | undefined;
  /** When the client got it, relative to the SIGTERM (negative: before). */
  at: number;
}

/** One HTTP/1.1 request over a keep-alive agent, as a proxy's upstream pool or a till's client sends it. */
function send(
  agent: Agent,
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Omit<Answer, "at">> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      url,
      { agent, method: options.method ?? "GET", headers: options.headers },
      (response) => {
        response.resume();
        response.once("end", () =>
          resolve({
            status: response.statusCode ?? 0,
            connection: response.headers.connection,
            keepAlive: String(response.headers["keep-alive"]),
          }),
        );
        response.once("error", reject);
      },
    );
    outgoing.once("error", reject);
    outgoing.end(options.body);
  });
}

describe(`the server behind keep-alive clients (${databaseKind})`, () => {
  let fake: FakeBotApi;
  let gate: BotApiGate;
  let environment: Record<string, string>;
  let cleanUp: () => Promise<void>;
  const servers: ServerProcess[] = [];

  beforeEach(async () => {
    fake = await startFakeBotApi();
    gate = await startBotApiGate(fake.apiRoot);
    if (serverUrl) {
      const database = await createServerDatabase(serverUrl);
      if (!database) throw new Error(`TEST_DATABASE_URL is set but its server does not answer: ${serverUrl}`);
      environment = reviewServerEnvironment(gate.apiRoot, { url: database.url });
      cleanUp = database.drop;
    } else {
      const dataDir = mkdtempSync(join(tmpdir(), "guestcard-drain-"));
      environment = reviewServerEnvironment(gate.apiRoot, { dataDir });
      cleanUp = async () => rmSync(dataDir, { recursive: true, force: true });
    }
    environment = {
      ...environment,
      LOG_LEVEL: "info",
      WEBHOOK_SECRET: testWebhookSecret,
      // The webhook's own request sends its replies: the worker, polling at leisure, does not race it.
      DELIVERY_POLL_INTERVAL_MS: "60000",
    };
  });
  afterEach(async () => {
    for (const server of servers.splice(0)) await server.stop("SIGKILL");
    await gate.close();
    await fake.close();
    await cleanUp();
  });

  it("runs with keep-alive and header timeouts above a proxy's (nginx keeps idle upstreams 60 s)", async () => {
    const server = await startReviewServer(environment);
    servers.push(server);
    const listening = server
      .output()
      .split("\n")
      .find((line) => line.includes('"listening"'));
    expect(JSON.parse(listening ?? "{}")).toMatchObject({
      keepAliveTimeoutMs: 65_000,
      headersTimeoutMs: 66_000,
    });
    // What a client (or nginx) is told: keep the connection at most 65 s.
    const agent = new Agent({ keepAlive: true });
    const answer = await send(agent, `${server.url}/health`);
    agent.destroy();
    expect(answer).toMatchObject({ status: 200, keepAlive: "timeout=65" });
  }, 120_000);

  it("on SIGTERM stops within the deadline, answers what is in flight with Connection: close, resets nothing", async () => {
    const server = await startReviewServer(environment);
    servers.push(server);
    const guests = Array.from({ length: 10 }, (_, index) => telegramUser(9601 + index, `Keep${index}`));
    const agent = new Agent({ keepAlive: true, maxSockets: guests.length });
    let sigtermAt = Number.POSITIVE_INFINITY;
    const answers: Answer[] = [];
    const failures: string[] = [];

    // Ten keep-alive clients asking for /api/me (a database read and write) as fast as they can,
    // until the server turns them away — or, bounded, 30 s after the SIGTERM.
    const lastAnswers: Array<Answer | undefined> = guests.map(() => undefined);
    const clients = guests.map(async (guest, index) => {
      while (Date.now() - sigtermAt < 30_000) {
        try {
          const answer = await send(agent, `${server.url}/api/me`, { headers: authorization(guest) });
          lastAnswers[index] = { ...answer, at: Date.now() - sigtermAt };
          answers.push({ ...answer, at: Date.now() - sigtermAt });
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code ?? String(error);
          // Once the server stopped listening a new connection is refused: that is the stop, not a reset.
          if (code !== "ECONNREFUSED") failures.push(code);
          return;
        }
      }
    });
    await vi.waitFor(() => expect(answers.length).toBeGreaterThan(100), { timeout: 30_000 });

    // A webhook update in flight: its reply is held at the Telegram gate when SIGTERM comes.
    const held = gate.holdNext("sendMessage");
    const update = contactUpdate(telegramUser(9650, "InFlight"), "+79211239650");
    const webhookAgent = new Agent({ keepAlive: true });
    const webhook = send(webhookAgent, `${server.url}/telegram/webhook`, {
      method: "POST",
      headers: { "content-type": "application/json", [secretHeader]: testWebhookSecret },
      body: JSON.stringify(update),
    });
    await held.arrived;

    sigtermAt = Date.now();
    const exited = server.stop("SIGTERM");
    await vi.waitFor(() => expect(server.output()).toContain("shutting down"), { timeout: 10_000 });
    await held.release();
    const webhookAnswer = await webhook;
    const exitCode = await exited;
    const stoppedAfterMs = Date.now() - sigtermAt;
    await Promise.all(clients);
    agent.destroy();
    webhookAgent.destroy();

    expect(exitCode).toBe(0);
    // The default deadline is 10 s; without the drain it ran until the clients gave up.
    expect(stoppedAfterMs).toBeLessThan(10_000);
    expect(failures, "requests reset by the stop").toEqual([]);
    expect(webhookAnswer).toMatchObject({ status: 200, connection: "close" });
    // Every client's connection ended with an answer saying so, and the next connection was refused.
    for (const last of lastAnswers) expect(last).toMatchObject({ status: 200, connection: "close" });
    const closing = answers.filter((answer) => answer.connection === "close");
    expect(closing).toHaveLength(guests.length);
    const afterSigterm = answers.filter((answer) => answer.at >= 0);
    console.info(
      `SIGTERM under keep-alive (${databaseKind}): exited 0 after ${stoppedAfterMs} ms; ` +
        `${afterSigterm.length} answers after SIGTERM, ${failures.length} reset`,
    );
  }, 120_000);
});
