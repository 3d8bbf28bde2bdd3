import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type FakeBotApi, startFakeBotApi } from "../../test/fake-bot-api";
import { contactUpdate, startUpdate, telegramUser } from "../../test/telegram-updates";
import { createTestContext, type TestContext } from "../../test/test-app";
import { selectRows } from "../db/client";
import { telegramUsers } from "../db/schema";
import { createLogger } from "../logger";
import { createBot } from "./create-bot";
import { connectBot } from "./run-bot";

describe("the bot in long-polling mode", () => {
  let fake: FakeBotApi;
  let context: TestContext;

  beforeAll(async () => {
    fake = await startFakeBotApi({ pollWaitMs: 20 });
    // No PUBLIC_URL: a developer's laptop with a real token.
    context = await createTestContext({ BOT_MODE: "polling", TELEGRAM_API_ROOT: fake.apiRoot });
  });
  afterAll(async () => {
    await context.close();
    await fake.close();
  });

  const connect = async () => {
    const bot = createBot({
      config: context.config,
      db: context.database.db,
      logger: createLogger("silent"),
    });
    await bot.init();
    return connectBot({
      bot,
      config: context.config,
      db: context.database.db,
      logger: createLogger("silent"),
    });
  };
  const sentTexts = (chatId: number) => fake.messagesTo(chatId).map((message) => String(message.text));

  it("has no webhook route and sets no webhook", async () => {
    expect(context.config.bot.kind).toBe("polling");
    const response = await context.app.request("/telegram/webhook", { method: "POST", body: "{}" });
    expect(response.status).toBe(404);
  });

  it("handles updates, and an update re-sent after a restart takes no effect", async () => {
    const ada = telegramUser(4001, "Ada");
    const first = await connect();
    try {
      fake.pushUpdate(startUpdate(ada));
      await fake.waitFor(() => fake.messagesTo(ada.id).length === 1, 5000);
      expect(sentTexts(ada.id)[0]).toContain("Hello, Ada!");
      expect(fake.callsTo("deleteWebhook")).toHaveLength(1);
      expect(fake.callsTo("setWebhook")).toEqual([]);
      expect(fake.callsTo("setChatMenuButton")).toEqual([]);
    } finally {
      await first.stop();
    }

    // Telegram hands out an update again when its confirmation was lost (we stopped before the
    // next getUpdates); the restarted process must not act on it twice.
    const contact = contactUpdate(ada, "+79215550000");
    const second = await connect();
    try {
      fake.pushUpdate(contact);
      await fake.waitFor(() => fake.messagesTo(ada.id).length === 3, 5000);
    } finally {
      await second.stop();
    }
    const third = await connect();
    try {
      const callsBefore = fake.callsTo("getUpdates").length;
      fake.pushUpdate(contact);
      fake.pushUpdate(startUpdate(ada));
      await fake.waitFor(() => fake.messagesTo(ada.id).length === 4, 5000);
      expect(fake.callsTo("getUpdates").length).toBeGreaterThan(callsBefore);
    } finally {
      await third.stop();
    }

    const texts = sentTexts(ada.id);
    expect(texts.slice(1, 3)).toEqual([
      "Thank you, your number is in ✅",
      // Without PUBLIC_URL there is no web_app button to give: the menu button is the way in.
      expect.stringContaining("menu button"),
    ]);
    expect(texts[3]).toContain("menu button");
    const withButtons = fake.messagesTo(ada.id).filter((message) => message.reply_markup);
    expect(withButtons.map((message) => message.reply_markup)).toEqual([
      { keyboard: [[{ text: "📱 Share phone number", request_contact: true }]], resize_keyboard: true },
      { remove_keyboard: true },
    ]);
  });

  it("holds an update while the database is unavailable and processes it once the database is back", async () => {
    const { db } = context.database;
    const bo = telegramUser(4002, "Bo");
    // A fault in the database itself: its funnel write fails as if the connection had broken
    // (SQLSTATE 08006), after the phone was stored in the same transaction. The sequence counts the
    // attempts, whatever the transaction does.
    await db.execute(sql.raw("create sequence funnel_write_attempts"));
    await db.execute(
      sql.raw(`create function fail_funnel_write() returns trigger language plpgsql as $$
        begin perform nextval('funnel_write_attempts');
        raise exception 'injected outage' using errcode = '08006'; end $$`),
    );
    await db.execute(
      sql.raw(`create trigger fail_funnel_write before insert on source_events
        for each row execute function fail_funnel_write()`),
    );
    const attempts = async () =>
      (await selectRows<{ n: string }>(db, sql.raw("select last_value as n from funnel_write_attempts")))[0]
        ?.n;
    const phone = async () =>
      (await db.select().from(telegramUsers).where(eq(telegramUsers.id, bo.id)))[0]?.phone ?? null;

    const polling = await connect();
    try {
      fake.pushUpdate(contactUpdate(bo, "+79215550002"));
      await vi.waitFor(async () => expect(Number(await attempts())).toBeGreaterThanOrEqual(2), {
        timeout: 10_000,
      });
      expect(await phone()).toBeNull();
      expect(fake.messagesTo(bo.id)).toEqual([]);

      await db.execute(sql.raw("drop trigger fail_funnel_write on source_events"));
      await vi.waitFor(() => expect(fake.messagesTo(bo.id)).toHaveLength(2), { timeout: 10_000 });
      expect(await phone()).toBe("+79215550002");
    } finally {
      await polling.stop();
    }
  });
});
