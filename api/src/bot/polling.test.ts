import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeBotApi, startFakeBotApi } from "../../test/fake-bot-api";
import { contactUpdate, startUpdate, telegramUser } from "../../test/telegram-updates";
import { createTestContext, type TestContext } from "../../test/test-app";
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
});
