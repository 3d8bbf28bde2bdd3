import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createServerDatabase, postgresAnswers, postgresServerUrl } from "../../test/review-server-kit";
import { startTcpProxy, type TcpProxy } from "../../test/tcp-proxy";
import { guest, testBotToken } from "../../test/test-app";
import { createApp } from "../app";
import { parseConfig } from "../config";
import { signInitData } from "../demo/launch-url";
import { createLogger } from "../logger";
import { connectPostgres, type DatabaseConnection } from "./client";

// An outage needs a database server to lose: PGlite lives in the process. The server is reached
// through a proxy of the test's own, which it freezes and takes down; the shared server is never
// touched (TEST_DATABASE_URL's, else the local one).
const reachable = await postgresAnswers(postgresServerUrl);

const timeouts = { connectTimeoutMs: 1000, statementTimeoutMs: 1000 };

describe.runIf(reachable)("a PostgreSQL outage: 503 within seconds, /health within 1 s, recovery", () => {
  let proxy: TcpProxy;
  let database: { url: string; drop(): Promise<void> };
  let connection: DatabaseConnection;
  let app: ReturnType<typeof createApp>;

  beforeAll(async () => {
    const created = await createServerDatabase(postgresServerUrl);
    if (!created) throw new Error(`no PostgreSQL server answers at ${postgresServerUrl}`);
    database = created;
    const direct = connectPostgres(database.url, { max: 1 });
    await direct.migrate();
    await direct.close();
    const target = new URL(database.url);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    // One connection: a request during the freeze then has to wait behind the stuck /health ping on
    // an open connection (the silence watch ends it), and then for a new one (the connect timeout).
    connection = connectPostgres(proxy.urlFor(database.url), { max: 1, timeouts });
    const config = parseConfig({ BOT_TOKEN: testBotToken, BOT_MODE: "off", LOG_LEVEL: "silent" });
    app = createApp({
      config,
      database: connection,
      logger: createLogger("silent"),
      initDataToken: testBotToken,
      demo: false,
    });
  });
  afterAll(async () => {
    await proxy?.restore();
    await connection?.close();
    await proxy?.close();
    await database?.drop();
  });

  const me = () =>
    app.request("/api/me", { headers: { authorization: `tma ${signInitData(guest(8801), testBotToken)}` } });
  const timed = async (request: () => Promise<Response> | Response) => {
    const startedAt = Date.now();
    const response = await request();
    return { response, ms: Date.now() - startedAt, body: await response.text() };
  };
  const expectUnavailable = (answer: { response: Response; body: string }) => {
    expect(answer.response.status, answer.body).toBe(503);
    expect(JSON.parse(answer.body)).toMatchObject({ error: { code: "unavailable" } });
    expect(answer.response.headers.get("retry-after")).toBe("5");
  };
  const expectRecovered = () =>
    vi.waitFor(
      async () => {
        expect((await app.request("/health")).status).toBe(200);
        expect((await me()).status).toBe(200);
      },
      { timeout: 15_000, interval: 200 },
    );

  it("frozen: /health says 503 within 1 s, the API 503 once the statement timeout passes", async () => {
    expect((await me()).status).toBe(200);
    proxy.freeze();

    const health = await timed(() => app.request("/health"));
    expect(health.response.status).toBe(503);
    expect(health.ms).toBeLessThan(1000);
    const api = await timed(me);
    expectUnavailable(api);
    // The open connection given up after the statement timeout (1 s) + the margin (1 s), then the
    // connect timeout (1 s) for a new one: seconds, not the whole freeze.
    expect(api.ms).toBeLessThan(6000);
    console.info(`database frozen: /health answered 503 in ${health.ms} ms, /api/me 503 in ${api.ms} ms`);

    await proxy.restore();
    await expectRecovered();
  });

  it("down: the API answers 503 at once, and recovers when the server is back, without a restart", async () => {
    expect((await me()).status).toBe(200);
    await proxy.down();

    const api = await timed(me);
    expectUnavailable(api);
    expect(api.ms).toBeLessThan(3000);
    const health = await timed(() => app.request("/health"));
    expect(health.response.status).toBe(503);
    expect(health.ms).toBeLessThan(1000);
    console.info(`database down: /health answered 503 in ${health.ms} ms, /api/me 503 in ${api.ms} ms`);

    await proxy.restore();
    await expectRecovered();
  });

  it("down for a while: the tenth request in a row still answers 503 at once, not after a reconnect wait", async () => {
    expect((await me()).status).toBe(200);
    await proxy.down();

    // Each failed connection attempt counts: postgres.js's own backoff would make the sixth request
    // wait seconds and the tenth up to 20 s for its turn to reconnect (issue 16's "write hang").
    const answers = [];
    for (let request = 1; request <= 10; request += 1) answers.push(await timed(me));
    for (const answer of answers) expectUnavailable(answer);
    expect(answers.map((answer) => answer.ms).filter((ms) => ms >= 3000)).toEqual([]);
    console.info(`database down: ten requests answered 503 in ${answers.map((a) => a.ms).join(", ")} ms`);

    await proxy.restore();
    await expectRecovered();
  });
});
