import { rmSync } from "node:fs";
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { type FakeBotApi, startFakeBotApi } from "../../test/fake-bot-api";
import { migratedDataDir, startServer } from "../../test/server-process";
import { contactUpdate, startUpdate, telegramUser } from "../../test/telegram-updates";
import { testBotToken } from "../../test/test-app";
import { secretHeader } from "../telegram/webhook";

// Each test starts a server process (tsx, migrations on disk): slow on a busy two-core machine.
const serverTestTimeoutMs = 120_000;

describe("the real server process with a bot", () => {
  const dataDir = migratedDataDir("guestcard-bot-");
  let fake: FakeBotApi;
  beforeEach(async () => {
    fake = await startFakeBotApi();
  });
  afterEach(() => fake.close());
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it(
    "in webhook mode: sets the webhook and the menu button at start, serves updates, stops cleanly",
    async () => {
      const secret = "server-test_SECRET";
      const server = await startServer(
        {
          DATA_DIR: dataDir,
          BOT_TOKEN: testBotToken,
          PUBLIC_URL: "https://example.test",
          WEBHOOK_SECRET: secret,
          TELEGRAM_API_ROOT: fake.apiRoot,
          MANAGER_CHAT_ID: "-100500",
        },
        90_000,
      );
      try {
        const [setWebhook] = await fake.waitForCalls("setWebhook", 1, 10_000);
        expect(setWebhook?.params).toMatchObject({
          url: "https://example.test/telegram/webhook",
          secret_token: secret,
          allowed_updates: ["message", "callback_query", "chat_member", "my_chat_member"],
        });
        const [menuButton] = await fake.waitForCalls("setChatMenuButton", 1, 10_000);
        expect(menuButton?.params).toMatchObject({
          menu_button: { type: "web_app", web_app: { url: "https://example.test/" } },
        });
        // getMe came first: the bot knew who it was before the server served anything.
        expect(fake.calls[0]?.method).toBe("getMe");

        const eva = telegramUser(6001, "Eva");
        const post = (update: unknown, header = secret) =>
          fetch(`${server.url}/telegram/webhook`, {
            method: "POST",
            headers: { "content-type": "application/json", [secretHeader]: header },
            body: JSON.stringify(update),
          });
        expect((await post(startUpdate(eva), "wrong")).status).toBe(401);
        expect((await post(startUpdate(eva, "src1"))).status).toBe(200);
        // Telegram refuses the reply: the phone is stored all the same, the refusal is logged (without
        // the phone), and the update is answered 200.
        fake.failNext(
          1,
          { status: 403, description: "Forbidden: bot was blocked by the user" },
          { method: "sendMessage" },
        );
        expect((await post(contactUpdate(eva, "+79217654321"))).status).toBe(200);
        expect(fake.messagesTo(eva.id)).toHaveLength(1);
        await vi.waitFor(() => expect(server.output()).toContain("Telegram refused a message to a guest"), {
          timeout: 10_000,
        });

        const output = server.output();
        expect(output).not.toContain("7654321");
        expect(output).not.toContain(testBotToken);
        expect(output).not.toContain(secret);
      } finally {
        expect(await server.stop("SIGTERM")).toBe(0);
      }
    },
    serverTestTimeoutMs,
  );

  it(
    "in polling mode: long-polls the fake and answers",
    async () => {
      const server = await startServer(
        {
          DATA_DIR: dataDir,
          BOT_TOKEN: testBotToken,
          BOT_MODE: "polling",
          TELEGRAM_API_ROOT: fake.apiRoot,
        },
        90_000,
      );
      try {
        await fake.waitForCalls("getUpdates", 1, 10_000);
        const max = telegramUser(6002, "Max");
        fake.pushUpdate(startUpdate(max));
        await fake.waitFor(() => fake.messagesTo(max.id).length === 1, 10_000);
        expect(String(fake.messagesTo(max.id)[0]?.text)).toContain("Hello, Max!");
        expect(fake.callsTo("setWebhook")).toEqual([]);
      } finally {
        expect(await server.stop("SIGINT")).toBe(0);
      }
    },
    serverTestTimeoutMs,
  );
});
