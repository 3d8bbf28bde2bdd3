import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type FakeBotApi, startFakeBotApi } from "../../test/fake-bot-api";
import {
  contactUpdate,
  deliver,
  startUpdate,
  telegramUser,
  testManagerChatId,
  testPublicUrl,
  textUpdate,
  webhookEnvironment,
} from "../../test/telegram-updates";
import { createTestContext, expectStatus, guest, type TestContext } from "../../test/test-app";
import { accounts, processedUpdates, sources, telegramUsers } from "../db/schema";
import { sourceEventsOf } from "../sources/attribution";

type SentMessage = {
  chat_id: number;
  text: string;
  reply_markup?: Record<string, unknown>;
  parse_mode?: string;
};

describe("the bot, through /telegram/webhook and the fake Bot API", () => {
  let fake: FakeBotApi;
  let context: TestContext;

  beforeAll(async () => {
    fake = await startFakeBotApi();
    context = await createTestContext(webhookEnvironment(fake.apiRoot));
    await context.database.db.insert(sources).values({ code: "src1", name: "Table tents" });
  });
  afterAll(async () => {
    await context.close();
    await fake.close();
  });
  afterEach(() => fake.reset());

  const sent = (chatId: number) => fake.messagesTo(chatId) as unknown as SentMessage[];
  const me = async (id: number, languageCode = "en") =>
    expectStatus<{ status: string; phone: string | null; account: { lastName: string } | null }>(
      await context.request("/api/me", { as: guest(id, "Guest", languageCode) }),
      200,
    );
  const expectOk = async (response: Response) => {
    expect(response.status, await response.clone().text()).toBe(200);
  };

  it("takes a new guest from /start src1 to an invitation to register", async () => {
    const ann = telegramUser(3001, "Ann");

    await expectOk(await deliver(context, startUpdate(ann, "src1")));
    const [greeting] = sent(ann.id);
    expect(greeting?.text).toContain("Hello, Ann!");
    expect(greeting?.reply_markup).toEqual({
      keyboard: [[{ text: "📱 Share phone number", request_contact: true }]],
      resize_keyboard: true,
    });
    expect((await me(ann.id)).status).toBe("needs_phone");

    fake.reset();
    // Telegram sends contacts with or without the plus.
    await expectOk(await deliver(context, contactUpdate(ann, "79211234567")));
    const [removal, invitation, ...rest] = sent(ann.id);
    expect(rest).toEqual([]);
    expect(removal).toMatchObject({
      text: "Thank you, your number is in ✅",
      reply_markup: { remove_keyboard: true },
    });
    expect(invitation?.text).toContain("fill in a short form");
    expect(invitation?.reply_markup).toEqual({
      inline_keyboard: [[{ text: "📝 Register", web_app: { url: `${testPublicUrl}/` } }]],
    });

    expect(await me(ann.id)).toMatchObject({
      status: "needs_registration",
      phone: "+79211234567",
      account: null,
    });
    const events = await sourceEventsOf(context.database.db, ann.id);
    expect(events.map((event) => [event.kind, event.code])).toEqual([
      ["started", "src1"],
      ["phone_shared", "src1"],
    ]);
  });

  it("links a known guest by the phone and says welcome back", async () => {
    const { db } = context.database;
    await db.insert(accounts).values({
      phone: "+79219998877",
      lastName: "Petrova",
      firstName: "Olga",
      origin: "import",
    });
    const olga = telegramUser(3002, "Olga");

    await expectOk(await deliver(context, startUpdate(olga)));
    await expectOk(await deliver(context, contactUpdate(olga, "+7 921 999-88-77")));

    const messages = sent(olga.id);
    expect(messages).toHaveLength(3);
    expect(messages[2]?.text).toContain("Welcome back!");
    expect(messages[2]?.reply_markup).toEqual({
      inline_keyboard: [[{ text: "💳 Open my card", web_app: { url: `${testPublicUrl}/` } }]],
    });
    expect(await me(olga.id)).toMatchObject({ status: "registered", account: { lastName: "Petrova" } });
    const events = await sourceEventsOf(db, olga.id);
    expect(events.map((event) => [event.kind, event.code])).toEqual([
      ["started", "default"],
      ["phone_shared", "default"],
      ["registered", "default"],
    ]);

    // Coming back later: /start offers the Mini App, not the contact button.
    fake.reset();
    await expectOk(await deliver(context, startUpdate(olga, "src1")));
    const [greeting] = sent(olga.id);
    expect(greeting?.reply_markup).toEqual({
      inline_keyboard: [[{ text: "💳 Open my card", web_app: { url: `${testPublicUrl}/` } }]],
    });
    // First touch wins: the later src1 link does not move Olga to src1.
    expect((await sourceEventsOf(db, olga.id)).every((event) => event.code === "default")).toBe(true);
  });

  it("never moves a phone linked to another Telegram user, and alerts the managers once", async () => {
    const { db } = context.database;
    const [account] = await db
      .insert(accounts)
      .values({ phone: "+79215554433", lastName: "Ivanov", firstName: "Ivan", origin: "registration" })
      .returning();
    await db.insert(telegramUsers).values({
      id: 3100,
      firstName: "Ivan",
      username: "ivan_real",
      phone: "+79215554433",
      accountId: account!.id,
    });
    const intruder = { ...telegramUser(3101, 'Eve <b>&</b> </a><a href="https://evil">x'), username: "eve" };

    await expectOk(await deliver(context, contactUpdate(intruder, "79215554433")));
    const [answer, ...more] = sent(intruder.id);
    expect(more).toEqual([]);
    expect(answer).toMatchObject({ reply_markup: { remove_keyboard: true } });
    expect(answer?.text).toContain("The managers have been told");

    const [alert, ...moreAlerts] = sent(testManagerChatId);
    expect(moreAlerts).toEqual([]);
    expect(alert?.parse_mode).toBe("HTML");
    expect(alert?.text).toContain(
      '<a href="tg://user?id=3101">Eve &lt;b&gt;&amp;&lt;/b&gt; &lt;/a&gt;&lt;a href=&quot;https://evil&quot;&gt;x Tester (@eve)</a>',
    );
    expect(alert?.text).toContain('<a href="tg://user?id=3100">Ivan (@ivan_real)</a>');
    expect(alert?.text, "the phone written for reading, still dialable").toContain("+7 921 555-44-33");
    expect(alert?.text).not.toContain('href="https://evil"');

    expect((await me(intruder.id)).status).toBe("phone_conflict");
    const [holder] = await db.select().from(telegramUsers).where(eq(telegramUsers.id, 3100));
    expect(holder?.accountId).toBe(account!.id);

    // Sharing the same number again: the guest hears it again, the managers do not.
    fake.reset();
    await expectOk(await deliver(context, contactUpdate(intruder, "+79215554433")));
    expect(sent(intruder.id)).toHaveLength(1);
    expect(sent(testManagerChatId)).toEqual([]);
  });

  it("handles a contact sent by the Mini App's requestContact() like any other", async () => {
    // The guest opened the Mini App without ever writing to the bot; the app asks for the phone,
    // Telegram posts the guest's own contact into the private chat, and the app polls /api/me.
    const kim = telegramUser(3200, "Kim");
    expect((await me(kim.id)).status).toBe("needs_phone");

    await expectOk(await deliver(context, contactUpdate(kim, "+447911123456")));

    expect(await me(kim.id)).toMatchObject({ status: "needs_registration", phone: "+447911123456" });
    expect(sent(kim.id).map((message) => message.reply_markup)).toEqual([
      { remove_keyboard: true },
      { inline_keyboard: [[{ text: "📝 Register", web_app: { url: `${testPublicUrl}/` } }]] },
    ]);
    const events = await sourceEventsOf(context.database.db, kim.id);
    // Opening the Mini App counted as "started" (plain link: the default source).
    expect(events.map((event) => [event.kind, event.code])).toEqual([
      ["started", "default"],
      ["phone_shared", "default"],
    ]);
  });

  it("speaks Russian to Russian speakers and English to everyone else", async () => {
    const ivan = telegramUser(3300, "Иван", "ru");
    const pedro = telegramUser(3301, "Pedro", "pt-br");
    await expectOk(await deliver(context, startUpdate(ivan)));
    await expectOk(await deliver(context, startUpdate(pedro)));
    expect(sent(ivan.id)[0]?.text).toContain("Здравствуйте, Иван!");
    expect(sent(ivan.id)[0]?.reply_markup).toMatchObject({
      keyboard: [[{ text: "📱 Поделиться номером", request_contact: true }]],
    });
    expect(sent(pedro.id)[0]?.text).toContain("Hello, Pedro!");

    fake.reset();
    await expectOk(await deliver(context, contactUpdate(ivan, "89031234567")));
    expect(sent(ivan.id).map((message) => message.text)).toEqual([
      "Спасибо, номер получен ✅",
      expect.stringContaining("заполните короткую анкету"),
    ]);
  });

  it("answers any other private text with the next step", async () => {
    const lea = telegramUser(3400, "Lea");
    await expectOk(await deliver(context, textUpdate(lea, "hello?")));
    expect(sent(lea.id)[0]?.reply_markup).toMatchObject({ keyboard: [[{ request_contact: true }]] });

    await expectOk(await deliver(context, contactUpdate(lea, "+79217770011")));
    fake.reset();
    await expectOk(await deliver(context, textUpdate(lea, "/help")));
    expect(sent(lea.id)[0]?.reply_markup).toMatchObject({ inline_keyboard: [[{ web_app: {} }]] });
  });

  it("lets each update_id take effect once, however often it is delivered", async () => {
    const max = telegramUser(3500, "Max");
    const update = startUpdate(max, "src1");
    for (let attempt = 0; attempt < 3; attempt++) await expectOk(await deliver(context, update));
    // Even concurrent re-deliveries: the database decides, not the process's memory.
    const contact = contactUpdate(max, "+79211110000");
    const answers = await Promise.all([1, 2, 3].map(() => deliver(context, contact)));
    for (const response of answers) await expectOk(response);

    expect(sent(max.id)).toHaveLength(3); // the greeting; then the keyboard removal and the invitation
    const claimed = await context.database.db
      .select()
      .from(processedUpdates)
      .where(eq(processedUpdates.updateId, contact.update_id));
    expect(claimed).toHaveLength(1);
  });

  it("retries a 429 from Telegram after retry_after", async () => {
    const zoe = telegramUser(3600, "Zoe");
    fake.failNext(1, { status: 429, retryAfter: 1 }, { method: "sendMessage" });
    await expectOk(await deliver(context, startUpdate(zoe)));
    expect(fake.callsTo("sendMessage").map((call) => call.status)).toEqual([429, 200]);
    expect(sent(zoe.id)).toHaveLength(1);
  });

  it("logs a failing update and goes on with the next one", async () => {
    const sam = telegramUser(3700, "Sam");
    fake.failNext(
      1,
      { status: 403, description: "Forbidden: bot was blocked by the user" },
      { method: "sendMessage" },
    );
    // The update fails half-way (its reply is refused); Telegram still gets its 200, so it stops re-sending.
    await expectOk(await deliver(context, contactUpdate(sam, "+79212223344")));
    expect((await me(sam.id)).status).toBe("needs_registration");

    await expectOk(await deliver(context, startUpdate(sam)));
    expect(sent(sam.id)).toHaveLength(1);
  });
});
