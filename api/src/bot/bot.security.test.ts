import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type FakeBotApi, startFakeBotApi } from "../../test/fake-bot-api";
import {
  contactUpdate,
  deliver,
  groupChat,
  startUpdate,
  telegramUser,
  testWebhookSecret,
  textUpdate,
  webhookEnvironment,
} from "../../test/telegram-updates";
import { createTestContext, expectStatus, guest, type TestContext } from "../../test/test-app";
import { processedUpdates, sourceEvents, sources, telegramUsers } from "../db/schema";
import { sourceEventsOf } from "../sources/attribution";

describe("the bot (security): what a guest or a stranger cannot make it do", () => {
  let fake: FakeBotApi;
  let context: TestContext;

  beforeAll(async () => {
    fake = await startFakeBotApi();
    context = await createTestContext(webhookEnvironment(fake.apiRoot));
  });
  afterAll(async () => {
    await context.close();
    await fake.close();
  });
  afterEach(() => fake.reset());

  const db = () => context.database.db;
  const userRow = async (id: number) =>
    (await db().select().from(telegramUsers).where(eq(telegramUsers.id, id)))[0];
  const claimed = async (updateId: number) =>
    (await db().select().from(processedUpdates).where(eq(processedUpdates.updateId, updateId))).length;
  const status = async (id: number) =>
    (await expectStatus<{ status: string }>(await context.request("/api/me", { as: guest(id) }), 200)).status;

  describe("contacts that are not the sender's own", () => {
    it.each([
      ["someone else's contact (forwarded or attached)", 5001, { userId: 999_999 }],
      ["a contact without user_id (typed in, not on Telegram)", 5002, { userId: null }],
    ])("refuses %s, stores nothing and offers the right button", async (_name, id, options) => {
      const mallory = telegramUser(id, "Mallory");
      const update = contactUpdate(mallory, "+79210000001", { ...options, firstName: "Victim" });

      const response = await deliver(context, update);
      expect(response.status).toBe(200);

      const [answer, ...more] = fake.messagesTo(mallory.id);
      expect(more).toEqual([]);
      expect(String(answer?.text)).toContain("share your own number");
      expect(answer?.reply_markup).toMatchObject({ keyboard: [[{ request_contact: true }]] });
      expect(await userRow(mallory.id)).toBeUndefined();
      expect(await sourceEventsOf(db(), mallory.id)).toEqual([]);
      expect(await status(mallory.id)).toBe("needs_phone");
    });
  });

  it("ignores a contact (even one's own) and /start in a group: no answer, nothing stored", async () => {
    const bob = telegramUser(5101, "Bob");
    for (const update of [
      contactUpdate(bob, "+79210000002", { chat: groupChat() }),
      startUpdate(bob, "src1", groupChat()),
      textUpdate(bob, "hi all", groupChat(-100_777)),
    ]) {
      expect((await deliver(context, update)).status).toBe(200);
    }
    expect(fake.callsTo("sendMessage")).toEqual([]);
    expect(await userRow(bob.id)).toBeUndefined();
  });

  it("refuses a phone number that cannot be parsed", async () => {
    const tim = telegramUser(5201, "Tim");
    for (const phone of ["12", "not a number", "+0000000000000", "9".repeat(60)]) {
      expect((await deliver(context, contactUpdate(tim, phone))).status).toBe(200);
    }
    const texts = fake.messagesTo(tim.id).map((message) => String(message.text));
    expect(texts).toHaveLength(4);
    for (const text of texts) expect(text).toContain("could not read that phone number");
    expect(await userRow(tim.id)).toBeUndefined();
  });

  it.each([
    ["500 characters", 5301, "a".repeat(500)],
    ["emoji", 5302, "🍕promo"],
    ["spaces", 5303, "src 1"],
    ["HTML", 5304, "<b>x</b>"],
    ["65 characters", 5305, "a".repeat(65)],
  ])("treats a /start payload of %s as no source code", async (_name, id, payload) => {
    const user = telegramUser(id, "Pay");
    expect((await deliver(context, startUpdate(user, payload))).status).toBe(200);
    expect(String(fake.messagesTo(user.id)[0]?.text)).toContain("Hello, Pay!");
    const events = await sourceEventsOf(db(), user.id);
    expect(events.map((event) => [event.kind, event.code])).toEqual([["started", "default"]]);
    const codes = (await db().select({ code: sources.code }).from(sources)).map((source) => source.code);
    expect(codes).toEqual(["default"]);
  });

  it("ignores a well-formed but unknown source code", async () => {
    const user = telegramUser(5401, "Una");
    await deliver(context, startUpdate(user, "no_such_source"));
    const events = await sourceEventsOf(db(), user.id);
    expect(events.map((event) => event.code)).toEqual(["default"]);
  });

  describe("the webhook's secret", () => {
    it.each([
      ["no secret header", null],
      ["an empty secret", ""],
      ["a wrong secret", "wrong-secret"],
      ["a secret of the right length but wrong", testWebhookSecret.replace(/.$/, "X")],
      ["the secret with a suffix", `${testWebhookSecret}x`],
    ])("answers %s with 401 and processes nothing", async (_name, secret) => {
      const eve = telegramUser(5501, "Eve");
      const update = contactUpdate(eve, "+79210000003");
      const response = await deliver(context, update, { secret });
      expect(response.status).toBe(401);
      expect(await claimed(update.update_id)).toBe(0);
      expect(await userRow(eve.id)).toBeUndefined();
      expect(fake.callsTo("sendMessage")).toEqual([]);
    });

    it("checks the secret before it reads the body", async () => {
      const response = await deliver(context, undefined, {
        secret: "wrong",
        body: "x".repeat(2 * 1024 * 1024),
      });
      expect(response.status).toBe(401);
    });
  });

  it("answers a body that is not an update with 400, not 500", async () => {
    for (const body of ["{not json", "null", "[]", "42", '{"message":{}}', '{"update_id":"1"}']) {
      const response = await deliver(context, undefined, { body });
      expect(response.status, body).toBe(400);
    }
    expect(fake.callsTo("sendMessage")).toEqual([]);
  });

  it("answers updates of kinds the bot does not handle with 200 and does nothing", async () => {
    const kinds = [
      { edited_message: startUpdate(telegramUser(5601)).message },
      {
        channel_post: {
          message_id: 1,
          date: 1,
          chat: { id: -100_1, type: "channel", title: "C" },
          text: "x",
        },
      },
      { callback_query: { id: "1", chat_instance: "1", from: { id: 5601, is_bot: false, first_name: "A" } } },
      { my_chat_member: {} },
      { poll: { id: "p" } },
    ];
    let updateId = 900_000;
    for (const kind of kinds) {
      const response = await deliver(context, { update_id: updateId++, ...kind });
      expect(response.status, Object.keys(kind)[0]).toBe(200);
    }
    // A sticker in the private chat: not something the bot answers either.
    const sticker = { ...startUpdate(telegramUser(5602)), update_id: updateId++ };
    const { text: _text, entities: _entities, ...message } = sticker.message!;
    await deliver(context, { ...sticker, message: { ...message, sticker: { file_id: "s" } } });
    expect(fake.callsTo("sendMessage")).toEqual([]);
  });

  it("acts once on a replayed update, even a replayed contact", async () => {
    const rex = telegramUser(5701, "Rex");
    const update = contactUpdate(rex, "+79210000004");
    for (let attempt = 0; attempt < 5; attempt++) expect((await deliver(context, update)).status).toBe(200);
    expect(fake.messagesTo(rex.id)).toHaveLength(2);
    const events = await db().select().from(sourceEvents).where(eq(sourceEvents.telegramUserId, rex.id));
    expect(events).toHaveLength(1);
  });
});
