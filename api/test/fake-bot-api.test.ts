import { Api, Bot, GrammyError, InputFile } from "grammy";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { type FakeBotApi, startFakeBotApi } from "./fake-bot-api";

const token = "123456:TEST-token-abcdefghijklmnopqrstuvwxyz012";
const guestChatId = 555_000_111;
const managersChatId = -1_001_234_567_890;

// grammY reports Telegram's refusals as a rejected promise; tests want the error itself to inspect.
async function refusal(promise: Promise<unknown>): Promise<GrammyError> {
  const outcome = await promise.then(
    (result) => new Error(`expected Telegram to refuse, got ${JSON.stringify(result)}`),
    (error: unknown) => error,
  );
  if (!(outcome instanceof GrammyError)) throw outcome;
  return outcome;
}

describe("fake Bot API driven by grammY's real client", () => {
  let fake: FakeBotApi;
  let api: Api;

  beforeEach(async () => {
    fake = await startFakeBotApi();
    api = new Api(token, { apiRoot: fake.apiRoot });
  });
  afterEach(async () => {
    vi.useRealTimers();
    await fake.close();
  });

  it("answers getMe with the bot whose id is in the token", async () => {
    const me = await api.getMe();
    expect(me).toMatchObject({
      id: 123456,
      is_bot: true,
      username: "guestcard_test_bot",
      can_join_groups: true,
    });
  });

  it("records sendMessage and returns a message numbered per chat", async () => {
    const first = await api.sendMessage(guestChatId, "Hello", { reply_parameters: { message_id: 40 } });
    const second = await api.sendMessage(guestChatId, "Again");
    const group = await api.sendMessage(managersChatId, "<b>New review</b>", { parse_mode: "HTML" });

    expect(first).toMatchObject({
      message_id: 1,
      text: "Hello",
      chat: { id: guestChatId, type: "private" },
      from: { is_bot: true, username: "guestcard_test_bot" },
      reply_to_message: { message_id: 40 },
    });
    expect(first.date).toBeCloseTo(Date.now() / 1000, -1);
    expect(second.message_id).toBe(2);
    expect(group).toMatchObject({ message_id: 1, chat: { id: managersChatId, type: "supergroup" } });
    expect(fake.callsTo("sendMessage")).toHaveLength(3);
    expect(fake.calls[0]).toMatchObject({ token, method: "sendMessage", status: 200 });
    expect(fake.messagesTo(guestChatId).map((message) => message.text)).toEqual(["Hello", "Again"]);
    expect(fake.messagesTo(managersChatId)).toEqual([
      { chat_id: managersChatId, text: "<b>New review</b>", parse_mode: "HTML" },
    ]);
  });

  it("refuses texts Telegram would refuse", async () => {
    expect((await refusal(api.sendMessage(guestChatId, "x".repeat(4097)))).description).toBe(
      "Bad Request: message is too long",
    );
    expect((await refusal(api.sendMessage(guestChatId, " "))).error_code).toBe(400);
    expect(fake.messagesTo(guestChatId)).toEqual([]);
  });

  it("answers 429 with retry_after when told to, then recovers", async () => {
    fake.failNext(1, { status: 429, retryAfter: 7 });

    const error = await refusal(api.sendMessage(guestChatId, "Hi"));
    expect(error.error_code).toBe(429);
    expect(error.parameters.retry_after).toBe(7);
    expect(error.description).toBe("Too Many Requests: retry after 7");
    await expect(api.sendMessage(guestChatId, "Hi")).resolves.toMatchObject({ text: "Hi" });
    expect(fake.callsTo("sendMessage").map((call) => call.status)).toEqual([429, 200]);
    expect(fake.messagesTo(guestChatId)).toHaveLength(1);
  });

  it("answers 500 only to the method it was aimed at", async () => {
    fake.failNext(2, { status: 500 }, { method: "sendMessage" });

    await expect(api.getMe()).resolves.toMatchObject({ is_bot: true });
    expect((await refusal(api.sendMessage(guestChatId, "a"))).error_code).toBe(500);
    expect((await refusal(api.sendMessage(guestChatId, "b"))).description).toBe("Internal Server Error");
    await expect(api.sendMessage(guestChatId, "c")).resolves.toMatchObject({ message_id: 1 });
  });

  it("answers 403 with Telegram's description", async () => {
    const description = "Forbidden: bot was kicked from the group chat";
    fake.failNext(1, { status: 403, description });

    const error = await refusal(api.sendMessage(managersChatId, "Review"));
    expect(error).toMatchObject({ error_code: 403, description });
  });

  it("answers getChatMember with left until a membership is set", async () => {
    expect(await api.getChatMember(managersChatId, 42)).toMatchObject({ status: "left", user: { id: 42 } });
    fake.setChatMember(managersChatId, 42, "member");
    expect(await api.getChatMember(managersChatId, 42)).toMatchObject({ status: "member", user: { id: 42 } });
    fake.setChatMember(managersChatId, 42, "kicked");
    expect(await api.getChatMember(managersChatId, 42)).toEqual({
      status: "kicked",
      user: { id: 42, is_bot: false, first_name: "User 42" },
      until_date: 0,
    });
  });

  it("hands a pushed update to getUpdates and forgets it once confirmed", async () => {
    const pushed = fake.pushUpdate({
      message: {
        message_id: 1,
        date: 1,
        chat: { id: guestChatId, type: "private", first_name: "Ann" },
        from: { id: guestChatId, is_bot: false, first_name: "Ann" },
        text: "/start",
      },
    });

    const updates = await api.getUpdates({ offset: 0, timeout: 30 });
    expect(updates).toEqual([pushed]);
    expect(pushed.update_id).toBe(1);
    const startedAt = Date.now();
    expect(await api.getUpdates({ offset: pushed.update_id + 1, timeout: 30 })).toEqual([]);
    expect(Date.now() - startedAt, "an empty poll must return after pollWaitMs, not timeout").toBeLessThan(
      1000,
    );
  });

  it("wakes a waiting getUpdates as soon as an update arrives", async () => {
    const slow = await startFakeBotApi({ pollWaitMs: 5000 });
    try {
      const slowApi = new Api(token, { apiRoot: slow.apiRoot });
      const polling = slowApi.getUpdates({ timeout: 30 });
      await slow.waitForCalls("getUpdates", 1);
      slow.pushUpdate({
        update_id: 900,
        message: {
          message_id: 3,
          date: 1,
          chat: { id: 1, type: "private", first_name: "A" },
          from: { id: 1, is_bot: false, first_name: "A" },
        },
      });
      expect((await polling).map((update) => update.update_id)).toEqual([900]);
      const startedAt = Date.now();
      await expect(slowApi.getUpdates({ offset: 901 })).resolves.toEqual([]);
      expect(Date.now() - startedAt, "without a timeout Telegram answers at once").toBeLessThan(1000);
    } finally {
      await slow.close();
    }
  });

  it("drives a polling grammY Bot end to end", async () => {
    const bot = new Bot(token, { client: { apiRoot: fake.apiRoot } });
    bot.command("start", (context) => context.reply(`Welcome, ${context.from?.first_name}`));
    const stopped = bot.start({ drop_pending_updates: true });
    await fake.waitForCalls("getUpdates", 1);
    fake.pushUpdate({
      message: {
        message_id: 7,
        date: 1,
        chat: { id: guestChatId, type: "private", first_name: "Ann" },
        from: { id: guestChatId, is_bot: false, first_name: "Ann" },
        text: "/start",
        entities: [{ type: "bot_command", offset: 0, length: 6 }],
      },
    });
    await fake.waitFor(() => fake.messagesTo(guestChatId).length === 1);
    await bot.stop();
    await stopped;

    expect(fake.messagesTo(guestChatId)[0]).toMatchObject({ text: "Welcome, Ann" });
    expect(fake.callsTo("deleteWebhook")[0]?.params).toMatchObject({ drop_pending_updates: true });
    expect(fake.callsTo("getMe")).toHaveLength(1);
  });

  it("refuses getUpdates while a webhook is set, as Telegram does", async () => {
    await api.setWebhook("https://guestcard.example/telegram/webhook", { secret_token: "s3cret" });
    expect(await api.getWebhookInfo()).toMatchObject({ url: "https://guestcard.example/telegram/webhook" });
    expect((await refusal(api.getUpdates())).error_code).toBe(409);
    await api.deleteWebhook();
    await expect(api.getUpdates()).resolves.toEqual([]);
  });

  it("remembers the menu button per chat", async () => {
    const button = { type: "web_app" as const, text: "Card", web_app: { url: "https://guestcard.example/" } };
    await api.setChatMenuButton({ menu_button: button });
    expect(await api.getChatMenuButton({ chat_id: guestChatId })).toEqual(button);
    await expect(api.setMyCommands([{ command: "start", description: "Start" }])).resolves.toBe(true);
  });

  it("answers unknown methods and foreign paths with 404", async () => {
    const response = await fetch(`${fake.apiRoot}/bot${token}/sendTelepathy`, { method: "POST" });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      ok: false,
      error_code: 404,
      description: "Not Found: method not found",
    });
    expect((await fetch(`${fake.apiRoot}/favicon.ico`)).status).toBe(404);
  });

  it("records urlencoded, query-string and multipart calls", async () => {
    await fetch(`${fake.apiRoot}/bot${token}/sendMessage?chat_id=${guestChatId}`, {
      method: "POST",
      body: new URLSearchParams({ text: "form", reply_markup: '{"remove_keyboard":true}' }),
    });
    await api.sendDocument(managersChatId, new InputFile(Buffer.from("a;b\n"), "guests.csv"), {
      caption: "Выгрузка гостей",
    });

    expect(fake.messagesTo(guestChatId)).toEqual([
      { chat_id: guestChatId, text: "form", reply_markup: { remove_keyboard: true } },
    ]);
    const upload = fake.callsTo("sendDocument")[0];
    expect(upload?.params).toMatchObject({ chat_id: managersChatId, caption: "Выгрузка гостей" });
    expect(upload?.params.document).toEqual({ file_name: "guests.csv", size: 4 });
  });

  it("lets tests wait for calls made in the background instead of sleeping", async () => {
    setTimeout(() => void api.sendMessage(guestChatId, "later"), 20);
    const sent = await fake.waitForCalls("sendMessage", 1);
    expect(sent[0]?.params.text).toBe("later");
    await expect(fake.waitFor((calls) => calls.length > 5, 50)).rejects.toThrow(/within 50 ms/);
  });

  it("reset forgets calls and queued failures", async () => {
    fake.failNext(3, { status: 500 });
    await refusal(api.getMe());
    fake.reset();
    expect(fake.calls).toEqual([]);
    await expect(api.getMe()).resolves.toMatchObject({ is_bot: true });
  });
});

describe("fake Bot API group rate limit", () => {
  it("refuses the 21st message to one group within a minute, and only there", async () => {
    const fake = await startFakeBotApi({ rateLimit: { perChatPerMinute: 20 } });
    const api = new Api(token, { apiRoot: fake.apiRoot });
    try {
      vi.useFakeTimers({ toFake: ["Date"] });
      for (let index = 1; index <= 20; index++) await api.sendMessage(managersChatId, `Review ${index}`);

      const error = await refusal(api.sendMessage(managersChatId, "Review 21"));
      expect(error.error_code).toBe(429);
      expect(error.parameters.retry_after).toBeGreaterThanOrEqual(1);
      expect(error.parameters.retry_after).toBeLessThanOrEqual(60);
      await expect(api.sendMessage(-100_999, "Another group")).resolves.toBeDefined();
      for (let index = 0; index < 25; index++)
        await api.sendMessage(guestChatId, "Private chats are not limited here");

      vi.setSystemTime(Date.now() + 60_001);
      await expect(api.sendMessage(managersChatId, "Review 21")).resolves.toMatchObject({ message_id: 21 });
      expect(fake.messagesTo(managersChatId)).toHaveLength(21);
    } finally {
      vi.useRealTimers();
      await fake.close();
    }
  });
});
