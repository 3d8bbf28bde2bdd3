import type { Broadcast, BroadcastResponse } from "@guestcard/shared";
import { sql } from "drizzle-orm";
import { Api } from "grammy";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { audienceSql } from "../../test/broadcast-kit";
import { type FakeBotApi, startFakeBotApi } from "../../test/fake-bot-api";
import { createTestContext, expectStatus, guest, type TestContext, testBotToken } from "../../test/test-app";
import { selectRows } from "../db/client";
import { createLogger } from "../logger";
import { type BroadcastSender, createBroadcastSender } from "./broadcast-sender";

// Telegram's ~30 messages a second per bot, and our 25 of them, both scaled by ten so that 5,000
// recipients take seconds: the fake refuses the 301st send within any second; we aim at 250.
const scale = 10;
const telegramLimit = 30 * scale;
const ourRate = 25 * scale;
const recipients = 5_000;
const firstId = 8_000_000;

const manager = guest(7_900, "Manager");

describe(`a broadcast to ${recipients} guests, two senders sharing it`, () => {
  let fake: FakeBotApi;
  let context: TestContext;
  let senders: BroadcastSender[];

  beforeAll(async () => {
    fake = await startFakeBotApi({ botRateLimit: { messages: telegramLimit, windowMs: 1000 } });
    context = await createTestContext({ ADMIN_TELEGRAM_IDS: String(manager.id) });
    senders = [0, 1].map(() =>
      createBroadcastSender({
        db: context.database.db,
        api: new Api(testBotToken, { apiRoot: fake.apiRoot }),
        logger: createLogger("silent"),
        miniAppUrl: undefined,
        messagesPerSecond: ourRate,
        timing: { pollIntervalMs: 20, leaseMs: 10_000, backoffBaseMs: 20, backoffMaxMs: 100, concurrency: 4 },
      }),
    );
  });
  afterAll(async () => {
    for (const sender of senders) await sender.stop();
    await context?.close();
    await fake?.close();
  });

  it("finishes with sent + blocked + failed = recipients, no 429 of our making, nobody twice", async () => {
    await context.database.db.execute(sql.raw(audienceSql(recipients, { firstTelegramId: firstId })));
    // One guest in 50 blocked the bot; a few chats answer 429 once; a few fail every time.
    const blocked = new Set<number>();
    for (let index = 0; index < recipients; index += 50) blocked.add(firstId + index);
    for (const chatId of blocked)
      fake.failChat(chatId, { status: 403, description: "Forbidden: bot was blocked by the user" });
    for (const index of [7, 1_007, 2_007]) fake.failChat(firstId + index, { status: 429, retryAfter: 1 }, 1);
    const alwaysFailing = [13, 2_013, 4_013].map((index) => firstId + index);
    for (const chatId of alwaysFailing) fake.failChat(chatId, { status: 500 });

    const started = performance.now();
    const { broadcast } = await expectStatus<BroadcastResponse>(
      await context.request("/api/manager/broadcasts", {
        as: manager,
        json: { text: "Scaled offer", segment: { kind: "all" } },
      }),
      202,
    );
    expect(broadcast.recipients).toBe(recipients);
    for (const sender of senders) sender.start();
    const read = async () =>
      (
        await expectStatus<BroadcastResponse>(
          await context.request(`/api/manager/broadcasts/${broadcast.id}`, { as: manager }),
          200,
        )
      ).broadcast;
    await expect.poll(async () => (await read()).status, { timeout: 240_000, interval: 250 }).toBe("done");
    const seconds = (performance.now() - started) / 1000;
    const done: Broadcast = await read();

    expect(done).toMatchObject({ recipients, blocked: blocked.size, failed: alwaysFailing.length });
    expect(done.sent + done.blocked + done.failed).toBe(recipients);
    expect(fake.overallRateLimited(), "429s provoked by our pacing").toBe(0);
    const accepted = fake.callsTo("sendMessage").filter((call) => call.status === 200);
    const chats = accepted.map((call) => Number(call.params.chat_id));
    expect(new Set(chats).size, "nobody twice").toBe(chats.length);
    expect(chats.length).toBe(done.sent);
    const busiest = fake.busiestWindow(1000);
    expect(busiest).toBeLessThanOrEqual(telegramLimit);
    const [row] = await selectRows<{ pending: number }>(
      context.database.db,
      sql`select count(*)::int as pending from broadcast_recipients where status = 'pending'`,
    );
    expect(row?.pending).toBe(0);
    console.info(
      `broadcast pacing: ${recipients} recipients in ${seconds.toFixed(1)} s (${(recipients / seconds).toFixed(0)}/s, aiming at ${ourRate}/s); busiest second ${busiest}`,
    );
  }, 300_000);
});
