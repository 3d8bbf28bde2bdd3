import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { type BotApiGate, startBotApiGate } from "../../test/bot-api-gate";
import { type FakeBotApi, startFakeBotApi } from "../../test/fake-bot-api";
import {
  authorization,
  createServerDatabase,
  postgresAnswers,
  postgresServerUrl,
  reviewServerEnvironment,
  startReviewServer,
} from "../../test/review-server-kit";
import type { ServerProcess } from "../../test/server-process";
import {
  contactUpdate,
  type TestTelegramUser,
  telegramUser,
  testWebhookSecret,
} from "../../test/telegram-updates";
import { secretHeader } from "../telegram/webhook";

// A shared phone must survive a SIGKILL at any moment (issue 16): before its update commits (nothing
// of it is left, and Telegram's re-delivery is processed) and after (the re-delivery does nothing,
// and the replies still go out, once).
const serverUrl = process.env.TEST_DATABASE_URL;
const databaseKind = serverUrl ? "PostgreSQL" : "embedded PGlite";
const serverTimeoutMs = 180_000;
const reachable = await postgresAnswers(postgresServerUrl);

function postUpdate(server: ServerProcess, update: unknown): Promise<Response> {
  return fetch(`${server.url}/telegram/webhook`, {
    method: "POST",
    headers: { "content-type": "application/json", [secretHeader]: testWebhookSecret },
    body: JSON.stringify(update),
  });
}

async function guestStatus(server: ServerProcess, user: TestTelegramUser): Promise<string> {
  const response = await fetch(`${server.url}/api/me`, { headers: authorization(user) });
  return ((await response.json()) as { status: string }).status;
}

const expectedReplies = ["Thank you, your number is in ✅", expect.stringContaining("short form")];

describe("SIGKILL while a bot update is handled, then Telegram re-delivers it", () => {
  let fake: FakeBotApi;
  let gate: BotApiGate;
  let cleanUps: Array<() => Promise<void>> = [];
  const servers: ServerProcess[] = [];

  beforeEach(async () => {
    fake = await startFakeBotApi();
    gate = await startBotApiGate(fake.apiRoot);
    cleanUps = [];
  });
  afterEach(async () => {
    for (const server of servers.splice(0)) await server.stop("SIGKILL");
    await gate.close();
    await fake.close();
    for (const cleanUp of cleanUps.reverse()) await cleanUp();
  });

  async function environmentOn(database: "per-run" | "postgresql"): Promise<Record<string, string>> {
    let place: { url: string } | { dataDir: string };
    if (database === "postgresql" || serverUrl) {
      const created = await createServerDatabase(
        database === "postgresql" ? postgresServerUrl : (serverUrl as string),
      );
      if (!created) throw new Error("the PostgreSQL server does not answer");
      cleanUps.push(created.drop);
      place = { url: created.url };
    } else {
      const dataDir = mkdtempSync(join(tmpdir(), "guestcard-update-crash-"));
      cleanUps.push(async () => rmSync(dataDir, { recursive: true, force: true }));
      place = { dataDir };
    }
    return {
      ...reviewServerEnvironment(gate.apiRoot, place),
      WEBHOOK_SECRET: testWebhookSecret,
      LOG_LEVEL: "info",
    };
  }

  async function start(environment: Record<string, string>) {
    const server = await startReviewServer(environment);
    servers.push(server);
    return server;
  }

  it(
    `after the commit, before the replies reached Telegram: effects once, replies once (${databaseKind})`,
    async () => {
      const environment = await environmentOn("per-run");
      const ada = telegramUser(9701, "Ada");
      const update = contactUpdate(ada, "+79211239701");

      // The first server's worker polls at leisure, so the reply in flight is the update's own.
      const first = await start({ ...environment, DELIVERY_POLL_INTERVAL_MS: "60000" });
      const held = gate.holdNext("sendMessage");
      const delivery = postUpdate(first, update).catch((error: unknown) => error);
      await held.arrived;
      expect(await first.stop("SIGKILL")).toBeNull();
      // Telegram got no answer: it will deliver the update again.
      expect(await delivery).toBeInstanceOf(Error);
      expect(fake.messagesTo(ada.id)).toEqual([]);

      const second = await start(environment);
      const redelivered = await postUpdate(second, update);
      expect(redelivered.status).toBe(200);
      expect(await guestStatus(second, ada)).toBe("needs_registration");
      // The replies were committed with the phone: the restarted worker sends them once the dead
      // process's lease ends.
      await vi.waitFor(() => expect(fake.messagesTo(ada.id)).toHaveLength(2), { timeout: 20_000 });
      expect(await second.stop("SIGTERM")).toBe(0);

      expect(fake.messagesTo(ada.id).map((message) => message.text)).toEqual(expectedReplies);
      expect(second.output()).toContain("update already processed");
      expect(second.output()).not.toContain("79211239701");
    },
    serverTimeoutMs,
  );

  it.runIf(reachable)(
    "before the commit (PostgreSQL): nothing is left of the update, and the re-delivery is processed in full",
    async () => {
      const environment = await environmentOn("postgresql");
      const bea = telegramUser(9702, "Bea");
      const update = contactUpdate(bea, "+79211239702");
      const first = await start(environment);

      // The test holds the funnel table, so the update stops at its last write, after the phone was
      // stored in its transaction — and the server is killed right there.
      const admin = postgres(environment.DATABASE_URL as string, { max: 2, onnotice: () => {} });
      cleanUps.push(() => admin.end({ timeout: 1 }));
      const locker = await admin.reserve();
      await locker`begin`;
      await locker`lock table source_events in share mode`;
      const delivery = postUpdate(first, update).catch((error: unknown) => error);
      await vi.waitFor(
        async () => {
          const [waiting] = await admin`
            select count(*)::int as count from pg_stat_activity
            where datname = current_database() and wait_event_type = 'Lock'`;
          expect(waiting?.count).toBe(1);
        },
        { timeout: 20_000 },
      );
      expect(await first.stop("SIGKILL")).toBeNull();
      expect(await delivery).toBeInstanceOf(Error);
      await locker`rollback`;
      locker.release();

      // The dead server's transaction never committed: no phone, no record of the update.
      await vi.waitFor(async () => {
        const open = await admin`select count(*)::int as count from pg_stat_activity
          where datname = current_database() and pid <> pg_backend_pid() and state <> 'idle'`;
        expect(open[0]?.count).toBe(0);
      });
      expect(
        await admin`select phone from telegram_users where id = ${bea.id} and phone is not null`,
      ).toEqual([]);
      expect(await admin`select 1 from processed_updates where update_id = ${update.update_id}`).toEqual([]);

      const second = await start(environment);
      expect((await postUpdate(second, update)).status).toBe(200);
      expect(await guestStatus(second, bea)).toBe("needs_registration");
      expect(fake.messagesTo(bea.id).map((message) => message.text)).toEqual(expectedReplies);
      expect(await second.stop("SIGTERM")).toBe(0);
      expect(fake.messagesTo(bea.id)).toHaveLength(2);
      const [events] = await admin`select count(*)::int as count from source_events
        where telegram_user_id = ${bea.id} and kind = 'phone_shared'`;
      expect(events?.count).toBe(1);
    },
    serverTimeoutMs,
  );
});
