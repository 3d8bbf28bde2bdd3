import type { BroadcastResponse } from "@guestcard/shared";
import postgres from "postgres";
import { describe, expect, it } from "vitest";
import { audienceSql } from "../../test/broadcast-kit";
import { startFakeBotApi } from "../../test/fake-bot-api";
import {
  authorization,
  createServerDatabase,
  postgresAnswers,
  postgresServerUrl,
  reviewServerEnvironment,
  startReviewServer,
} from "../../test/review-server-kit";
import type { ServerProcess } from "../../test/server-process";
import { telegramUser } from "../../test/telegram-updates";

const recipients = 400;
const firstId = 8_600_000;
const manager = telegramUser(7_950, "Manager");
/** Sends in flight in one process (the sender's default concurrency): the most a SIGKILL may repeat. */
const inFlightPerProcess = 4;

// Real server processes share a database server; PGlite is single-process (the pacing test runs two
// senders in one process on it). Here Telegram's real figures: 30 a second per bot, 25 ours.
const postgresReachable = await postgresAnswers(postgresServerUrl);

describe.runIf(postgresReachable)("a broadcast shared by two server processes", () => {
  it("SIGKILL mid-broadcast, restart: everyone gets it once (but for the sends in flight), both processes send, under 30/s", async () => {
    const fake = await startFakeBotApi({ botRateLimit: { messages: 30, windowMs: 1000 } });
    const database = await createServerDatabase(postgresServerUrl);
    if (!database) throw new Error("the PostgreSQL server stopped answering");
    const servers: ServerProcess[] = [];
    const sql = postgres(database.url, { max: 1, onnotice: () => {} });
    try {
      const environment = {
        ...reviewServerEnvironment(fake.apiRoot, { url: database.url }),
        LOG_LEVEL: "info",
        ADMIN_TELEGRAM_IDS: String(manager.id),
        BROADCAST_MESSAGES_PER_SECOND: "25",
        // A killed process's recipients come back after this.
        DELIVERY_LEASE_MS: "2000",
      };
      servers.push(await startReviewServer(environment));
      servers.push(await startReviewServer(environment));
      const [first, second] = servers as [ServerProcess, ServerProcess];
      await sql.unsafe(audienceSql(recipients, { firstTelegramId: firstId }));

      const response = await fetch(`${first.url}/api/manager/broadcasts`, {
        method: "POST",
        headers: { ...authorization(manager), "content-type": "application/json" },
        body: JSON.stringify({ text: "Offer to all", segment: { kind: "all" } }),
      });
      const created = (await response.json()) as BroadcastResponse;
      expect(response.status).toBe(202);
      expect(created.broadcast.recipients).toBe(recipients);

      const accepted = () => fake.callsTo("sendMessage").filter((call) => call.status === 200);
      await fake.waitFor(() => accepted().length >= recipients / 4, 120_000);
      expect(await first.stop("SIGKILL"), "killed").toBeNull();
      servers.shift();
      await fake.waitFor(() => accepted().length >= recipients / 2, 120_000);
      servers.push(await startReviewServer(environment));

      const status = async () => {
        const [row] = await sql<
          [{ status: string }]
        >`select status from broadcasts where id = ${created.broadcast.id}`;
        return row.status;
      };
      await expect.poll(status, { timeout: 180_000, interval: 200 }).toBe("done");

      const [counts] = await sql<[{ sent: number; blocked: number; failed: number }]>`
        select sent, blocked, failed from broadcasts where id = ${created.broadcast.id}`;
      expect(counts.sent + counts.blocked + counts.failed).toBe(recipients);
      expect(counts.sent).toBe(recipients);
      const perChat = new Map<number, number>();
      for (const call of accepted()) {
        const chatId = Number(call.params.chat_id);
        perChat.set(chatId, (perChat.get(chatId) ?? 0) + 1);
      }
      expect(perChat.size, "everyone got it").toBe(recipients);
      const twice = [...perChat].filter(([, count]) => count > 1);
      // The documented window (docs/decisions/024-broadcasts.md): a send Telegram accepted whose
      // outcome the killed process had not yet written. Nobody else, and nobody from the live process.
      expect(twice.length, "sent twice").toBeLessThanOrEqual(inFlightPerProcess);
      expect(fake.overallRateLimited(), "429s provoked by our pacing").toBe(0);
      expect(second.output(), "the surviving process sent its share").toMatch(/broadcast: progress/);
      for (const server of servers.splice(0)) expect(await server.stop("SIGTERM")).toBe(0);
    } finally {
      for (const server of servers) await server.stop("SIGKILL");
      await sql.end();
      await fake.close();
      await database.drop();
    }
  }, 600_000);
});
