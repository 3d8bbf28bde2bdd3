import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { startFakeBotApi } from "../../test/fake-bot-api";
import { createServerDatabase, postgresAnswers, postgresServerUrl } from "../../test/review-server-kit";
import { type ServerProcess, startServer } from "../../test/server-process";
import { createTestContext, testBotToken } from "../../test/test-app";
import { createApp } from "../app";
import { registerGuests } from "../card/card-test-fixtures";
import { issueCard } from "../card/cards";
import { type Database, openDatabase } from "../db/client";
import { loyaltyPurchases } from "../db/schema";
import { createLogger } from "../logger";
import { updateLoyaltyProgramme } from "../settings/settings";
import { adjustPoints } from "./adjustments";
import { brokenRunningBalance, pointsOf } from "./loyalty-test-kit";

const tills = ["till-a:two-process-till-a", "till-b:two-process-till-b"];
const keyOf = (index: number) => tills[index % 2]!.split(":")[1]!;

/** Sends a request to one of the two processes (server processes, or two apps on one database). */
type Send = (process: number, path: string, init: RequestInit) => Promise<Response>;

/**
 * 50 copies of one bill (one Idempotency-Key, one till) and 20 redemptions that together exceed a
 * balance, all at once, spread over two processes sharing one database. The database decides: one
 * bill, 50 identical answers; only the affordable redemptions.
 */
async function raceAcrossProcesses(db: Database, send: Send) {
  await updateLoyaltyProgramme(db, { tiers: [{ name: "Standard", threshold: 0, earnPercent: 0 }] });
  const [billed, spender] = await registerGuests(db, 2, { firstTelegramId: 88_000 });
  await adjustPoints(db, {
    accountId: spender!.accountId,
    points: 105,
    reason: "test",
    managerTelegramId: 1,
  });
  const identify = async (accountId: string, process: number) => {
    const card = await issueCard(db, { accountId }, { seconds: 300 });
    const response = await send(process, "/api/pos/identify", {
      method: "POST",
      headers: { authorization: `Bearer ${keyOf(process)}`, "content-type": "application/json" },
      body: JSON.stringify({ code: card!.pin }),
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as { identification: { id: string } }).identification.id;
  };
  const billedIdentification = await identify(billed!.accountId, 0);
  const spenderIdentification = await identify(spender!.accountId, 1);
  const purchase = (process: number, till: number, key: string, body: unknown) =>
    send(process, "/api/pos/purchases", {
      method: "POST",
      headers: {
        authorization: `Bearer ${keyOf(till)}`,
        "idempotency-key": key,
        "content-type": "application/json",
      },
      body: JSON.stringify(body),
    });

  const sameKey = randomUUID();
  const copies = Array.from({ length: 50 }, (_, index) =>
    purchase(index % 2, 0, sameKey, {
      identificationId: billedIdentification,
      checkId: "TP-1",
      total: 50_000,
    }),
  );
  const redemptions = Array.from({ length: 20 }, (_, index) =>
    purchase(index % 2, index, randomUUID(), {
      identificationId: spenderIdentification,
      checkId: `TP-2-${index}`,
      total: 10_000,
      redeem: 10,
    }),
  );
  const [copyAnswers, redemptionAnswers] = await Promise.all([Promise.all(copies), Promise.all(redemptions)]);

  const copyTexts = await Promise.all(copyAnswers.map((answer) => answer.text()));
  expect(copyAnswers.map((answer) => answer.status)).toEqual(Array(50).fill(201));
  expect(new Set(copyTexts).size, "50 identical answers").toBe(1);
  expect(await db.$count(loyaltyPurchases, eq(loyaltyPurchases.accountId, billed!.accountId))).toBe(1);

  const statuses = redemptionAnswers.map((answer) => answer.status).sort();
  expect(statuses).toEqual([...Array(10).fill(201), ...Array(10).fill(409)]);
  expect(await pointsOf(db, spender!.accountId)).toMatchObject({
    balanceRow: 5,
    ledgerSum: 5,
    lastBalanceAfter: 5,
  });
  expect(await brokenRunningBalance(db, spender!.accountId)).toBeNull();
  return { billed: billed!, spender: spender! };
}

const postgresReachable = await postgresAnswers(postgresServerUrl);

describe("bills at two processes at once", () => {
  if (postgresReachable) {
    it("two server processes on one PostgreSQL: one bill per key, no overspending, each message once", async () => {
      const fake = await startFakeBotApi();
      const database = await createServerDatabase(postgresServerUrl);
      if (!database) throw new Error("the PostgreSQL server stopped answering");
      const servers: ServerProcess[] = [];
      let connection: Awaited<ReturnType<typeof openDatabase>> | undefined;
      try {
        const environment = {
          DATABASE_URL: database.url,
          BOT_TOKEN: testBotToken,
          BOT_MODE: "off",
          TELEGRAM_API_ROOT: fake.apiRoot,
          POS_API_KEYS: tills.join(","),
          LOG_LEVEL: "warn",
          DELIVERY_POLL_INTERVAL_MS: "50",
          DELIVERY_BACKOFF_BASE_MS: "20",
          // Nobody crashes here: a long lease keeps a stalled process's job from being sent twice.
          DELIVERY_LEASE_MS: "30000",
        };
        // One after the other: the first applies the migrations.
        servers.push(await startServer(environment));
        servers.push(await startServer(environment));
        connection = await openDatabase({ kind: "url", url: database.url });
        const { billed, spender } = await raceAcrossProcesses(connection.db, (process, path, init) =>
          fetch(`${servers[process]!.url}${path}`, init),
        );
        // The guests' messages, through both processes' outbox workers: one for the bill, ten for
        // the redemptions — each exactly once.
        await expect
          .poll(() => fake.messagesTo(spender.user.id).length, { timeout: 30_000, interval: 100 })
          .toBe(10);
        await expect.poll(() => fake.messagesTo(billed.user.id).length, { timeout: 10_000 }).toBe(1);
        for (const server of servers.splice(0)) expect(await server.stop("SIGTERM")).toBe(0);
        expect(fake.messagesTo(spender.user.id)).toHaveLength(10);
      } finally {
        for (const server of servers) await server.stop("SIGKILL");
        await connection?.close();
        await fake.close();
        await database.drop();
      }
    }, 240_000);
  } else {
    // PGlite is single-process: two apps in one process share its database instead.
    it("two apps on one database: one bill per key, no overspending", async () => {
      const context = await createTestContext({ POS_API_KEYS: tills.join(",") });
      try {
        const other = createApp({
          config: context.config,
          database: context.database,
          logger: createLogger("silent"),
          initDataToken: testBotToken,
          demo: false,
        });
        const apps = [context.app, other];
        await raceAcrossProcesses(context.database.db, async (process, path, init) =>
          apps[process]!.request(path, init),
        );
      } finally {
        await context.close();
      }
    }, 120_000);
  }
});
