import type { Broadcast, BroadcastResponse, ErrorEnvelope } from "@guestcard/shared";
import { sql } from "drizzle-orm";
import { Api } from "grammy";
import type { Update } from "grammy/types";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { audienceSql } from "../../test/broadcast-kit";
import { type FakeBotApi, startFakeBotApi } from "../../test/fake-bot-api";
import {
  contactUpdate,
  deliver,
  startUpdate,
  telegramUser,
  testPublicUrl,
  textUpdate,
  webhookEnvironment,
} from "../../test/telegram-updates";
import { createTestContext, expectStatus, guest, type TestContext, testBotToken } from "../../test/test-app";
import { selectRows } from "../db/client";
import { createLogger } from "../logger";
import { type BroadcastSender, createBroadcastSender } from "./broadcast-sender";
import { unsubscribeCallbackData } from "./broadcast-texts";

const manager = guest(7_100, "Manager", "ru");
const stranger = guest(7_101, "Stranger");

let nextCallbackId = 1;
function unsubscribeUpdate(user: ReturnType<typeof telegramUser>): Update {
  return {
    update_id: 900_000 + nextCallbackId,
    callback_query: {
      id: `callback-${nextCallbackId++}`,
      from: { id: user.id, is_bot: false, first_name: user.firstName, language_code: user.languageCode },
      chat_instance: "1",
      data: unsubscribeCallbackData,
      message: {
        message_id: 1,
        date: Math.floor(Date.now() / 1000),
        chat: { id: user.id, type: "private", first_name: user.firstName },
        text: "An offer",
      },
    },
  } as Update;
}

describe("broadcasts", () => {
  let fake: FakeBotApi;
  let context: TestContext;
  let sender: BroadcastSender;

  beforeAll(async () => {
    fake = await startFakeBotApi();
  });
  afterAll(() => fake.close());

  beforeEach(async () => {
    fake.reset();
    context = await createTestContext(
      webhookEnvironment(fake.apiRoot, {
        ADMIN_TELEGRAM_IDS: String(manager.id),
        RESTAURANT_NAME: "Trattoria",
      }),
    );
    sender = createBroadcastSender({
      db: context.database.db,
      api: new Api(testBotToken, { apiRoot: fake.apiRoot }),
      logger: createLogger("silent"),
      miniAppUrl: `${testPublicUrl}/`,
      messagesPerSecond: 1000,
      // Longer than any stall of a busy machine: nobody crashes here, so no lease should run out.
      timing: { pollIntervalMs: 10, leaseMs: 60_000, backoffBaseMs: 10, backoffMaxMs: 50, concurrency: 2 },
    });
  });
  afterEach(async () => {
    await sender.stop();
    await context.close();
  });

  /** A guest as the bot and the Mini App make one: /start, their contact, the registration form. */
  async function registerGuest(id: number, options: { marketing: boolean; languageCode?: string }) {
    const user = telegramUser(id, `Guest${id}`, options.languageCode ?? "en");
    expect((await deliver(context, startUpdate(user))).status).toBe(200);
    expect((await deliver(context, contactUpdate(user, `+7921${String(id).padStart(7, "0")}`))).status).toBe(
      200,
    );
    await expectStatus(
      await context.request("/api/registration", {
        as: guest(id, user.firstName, options.languageCode ?? "en"),
        json: {
          lastName: "Tester",
          firstName: user.firstName,
          consents: { personalData: true, marketing: options.marketing },
        },
      }),
      201,
    );
    return user;
  }

  const create = (json: unknown, as = manager) => context.request("/api/manager/broadcasts", { as, json });

  async function createAndFinish(json: unknown): Promise<Broadcast> {
    const { broadcast } = await expectStatus<BroadcastResponse>(await create(json), 202);
    sender.start();
    await expect
      .poll(async () => (await readBroadcast(broadcast.id)).status, { timeout: 30_000, interval: 20 })
      .toBe("done");
    return readBroadcast(broadcast.id);
  }

  async function readBroadcast(id: string): Promise<Broadcast> {
    const body = await expectStatus<BroadcastResponse>(
      await context.request(`/api/manager/broadcasts/${id}`, { as: manager }),
      200,
    );
    return body.broadcast;
  }

  const broadcastsTo = (chatId: number) =>
    fake.messagesTo(chatId).filter((message) => String(message.text).startsWith("Offer"));

  describe("who receives it", () => {
    it("a registered guest with marketing consent and a private chat receives it, with the Unsubscribe button", async () => {
      const anna = await registerGuest(7_200, { marketing: true });
      const broadcast = await createAndFinish({
        text: "Offer: <b>two</b> for one",
        segment: { kind: "all" },
        openAppButton: true,
      });
      expect(broadcast).toMatchObject({ recipients: 1, sent: 1, blocked: 0, failed: 0, cancelled: false });
      const [message] = broadcastsTo(anna.id);
      expect(message?.text, "plain text, as written").toBe("Offer: <b>two</b> for one");
      expect(message?.parse_mode).toBeUndefined();
      expect(message?.reply_markup).toEqual({
        inline_keyboard: [
          [{ text: "Open the card", web_app: { url: `${testPublicUrl}/` } }],
          [{ text: "Unsubscribe", callback_data: unsubscribeCallbackData }],
        ],
      });
    });

    it("a guest without marketing consent receives nothing", async () => {
      const anna = await registerGuest(7_210, { marketing: true });
      const boris = await registerGuest(7_211, { marketing: false });
      const broadcast = await createAndFinish({ text: "Offer A", segment: { kind: "all" } });
      expect(broadcast).toMatchObject({ recipients: 1, sent: 1 });
      expect(broadcastsTo(anna.id)).toHaveLength(1);
      expect(broadcastsTo(boris.id)).toEqual([]);
    });

    it("a guest who said /stop receives nothing (and /start does not give consent back)", async () => {
      const anna = await registerGuest(7_220, { marketing: true });
      const boris = await registerGuest(7_221, { marketing: true });
      expect((await deliver(context, textUpdateCommand(boris, "/stop"))).status).toBe(200);
      expect(fake.messagesTo(boris.id).at(-1)?.text).toMatch(/unsubscribed/);
      expect((await deliver(context, startUpdate(boris))).status).toBe(200);
      const broadcast = await createAndFinish({ text: "Offer B", segment: { kind: "all" } });
      expect(broadcast).toMatchObject({ recipients: 1, sent: 1 });
      expect(broadcastsTo(anna.id)).toHaveLength(1);
      expect(broadcastsTo(boris.id)).toEqual([]);
    });

    it("a guest who pressed Unsubscribe receives nothing", async () => {
      const anna = await registerGuest(7_230, { marketing: true });
      const boris = await registerGuest(7_231, { marketing: true, languageCode: "ru" });
      expect((await deliver(context, unsubscribeUpdate(boris))).status).toBe(200);
      expect(fake.callsTo("answerCallbackQuery")).toHaveLength(1);
      expect(fake.messagesTo(boris.id).at(-1)?.text).toMatch(/Вы отписались/);
      const history = await selectRows<{ granted: boolean }>(
        context.database.db,
        sql`select c.granted from consents c join telegram_users tu on tu.account_id = c.account_id
             where tu.id = ${boris.id} and c.kind = 'marketing' order by c.id`,
      );
      expect(
        history.map((row) => row.granted),
        "the grant stays on record",
      ).toEqual([true, false]);
      const broadcast = await createAndFinish({ text: "Offer C", segment: { kind: "all" } });
      expect(broadcast).toMatchObject({ recipients: 1, sent: 1 });
      expect(broadcastsTo(anna.id)).toHaveLength(1);
      expect(broadcastsTo(boris.id)).toEqual([]);
    });

    it("only the latest choice counts: withdrawn then given again receives it; a yes and a no in one instant go by the later record", async () => {
      const anna = await registerGuest(7_235, { marketing: true });
      const boris = await registerGuest(7_236, { marketing: true });
      // Anna said /stop, then opted in again in "My data".
      expect((await deliver(context, textUpdateCommand(anna, "/stop"))).status).toBe(200);
      await expectStatus(
        await context.request("/api/my-data/consents/marketing", {
          as: guest(anna.id, anna.firstName),
          method: "POST",
        }),
        200,
      );
      // Boris's grant and a withdrawal recorded at the same moment: the one written later (by id) wins.
      await context.database.db.execute(sql`
        insert into consents (account_id, kind, granted, text_version, recorded_at)
        select tu.account_id, 'marketing', granted, 'v1', timestamptz '2031-01-01 00:00:00+00'
          from telegram_users tu, (values (true), (false)) as choice(granted)
         where tu.id = ${boris.id}`);
      const broadcast = await createAndFinish({ text: "Offer D", segment: { kind: "all" } });
      expect(broadcast).toMatchObject({ recipients: 1, sent: 1 });
      expect(broadcastsTo(anna.id)).toHaveLength(1);
      expect(broadcastsTo(boris.id)).toEqual([]);
    });

    it("a guest who deleted their account receives nothing", async () => {
      const anna = await registerGuest(7_240, { marketing: true });
      const boris = await registerGuest(7_241, { marketing: true });
      await expectStatus(
        await context.request("/api/my-data", { as: guest(boris.id), method: "DELETE" }),
        200,
      );
      const broadcast = await createAndFinish({ text: "Offer D", segment: { kind: "all" } });
      expect(broadcast).toMatchObject({ recipients: 1, sent: 1 });
      expect(broadcastsTo(anna.id)).toHaveLength(1);
      expect(broadcastsTo(boris.id)).toEqual([]);
    });

    it("a guest who never opened a private chat with the bot receives nothing", async () => {
      const anna = await registerGuest(7_250, { marketing: true });
      // Registered and consenting (an imported guest linked before the bot knew their chat, or one
      // who blocked the bot since), but the bot may not write first.
      await context.database.db.execute(
        sql.raw(audienceSql(1, { firstTelegramId: 7_251, privateChat: false })),
      );
      const broadcast = await createAndFinish({ text: "Offer E", segment: { kind: "all" } });
      expect(broadcast).toMatchObject({ recipients: 1, sent: 1 });
      expect(broadcastsTo(anna.id)).toHaveLength(1);
      expect(broadcastsTo(7_251)).toEqual([]);
    });

    it("a guest who unsubscribes after the list was frozen is skipped, not sent", async () => {
      const anna = await registerGuest(7_260, { marketing: true });
      const { broadcast } = await expectStatus<BroadcastResponse>(
        await create({ text: "Offer F", segment: { kind: "all" } }),
        202,
      );
      expect(broadcast.recipients).toBe(1);
      expect((await deliver(context, textUpdateCommand(anna, "/stop"))).status).toBe(200);
      sender.start();
      await expect
        .poll(async () => (await readBroadcast(broadcast.id)).status, { timeout: 30_000 })
        .toBe("done");
      expect(await readBroadcast(broadcast.id)).toMatchObject({ recipients: 1, sent: 0, skipped: 1 });
      expect(broadcastsTo(anna.id)).toEqual([]);
    });
  });

  describe("delivery", () => {
    it("403 counts the guest as blocked and is not retried; 5xx is retried; 429 pauses the broadcast", async () => {
      await context.database.db.execute(sql.raw(audienceSql(6, { firstTelegramId: 7_300 })));
      fake.failChat(7_300, { status: 403, description: "Forbidden: bot was blocked by the user" });
      fake.failChat(7_301, { status: 500 }, 2);
      fake.failChat(7_302, { status: 429, retryAfter: 1 }, 1);
      fake.failChat(7_303, { status: 500 });
      const broadcast = await createAndFinish({ text: "Offer G", segment: { kind: "all" } });
      expect(broadcast).toMatchObject({ recipients: 6, sent: 4, blocked: 1, failed: 1 });
      const attempts = (chatId: number) =>
        fake.callsTo("sendMessage").filter((call) => call.params.chat_id === chatId).length;
      expect(attempts(7_300), "blocked: never retried").toBe(1);
      expect(attempts(7_301), "two 500s, then ok").toBe(3);
      expect(attempts(7_303), "five attempts, then failed").toBe(5);
      for (const chatId of [7_301, 7_302, 7_304, 7_305]) expect(broadcastsTo(chatId)).toHaveLength(1);
      // The 429's retry_after held everyone back: nothing was sent within that second, but for the one
      // send the other lane (concurrency 2) may have claimed before the pause was written.
      const calls = fake.callsTo("sendMessage");
      const limited = calls.find((call) => call.status === 429);
      expect(limited).toBeDefined();
      const during = calls.filter((call) => limited && call.at > limited.at && call.at < limited.at + 900);
      expect(during.length, "sends during the retry_after").toBeLessThanOrEqual(1);
      const [reachable] = await selectRows<{ private_chat_at: Date | null }>(
        context.database.db,
        sql`select private_chat_at from telegram_users where id = 7300`,
      );
      expect(reachable?.private_chat_at, "a blocked chat is no longer known").toBeNull();
    });

    it("cancelling stops it: the guests not yet sent are not sent", async () => {
      await context.database.db.execute(sql.raw(audienceSql(30, { firstTelegramId: 7_400 })));
      const { broadcast } = await expectStatus<BroadcastResponse>(
        await create({ text: "Offer H", segment: { kind: "all" } }),
        202,
      );
      const cancelled = await expectStatus<BroadcastResponse>(
        await context.request(`/api/manager/broadcasts/${broadcast.id}/cancel`, {
          as: manager,
          method: "POST",
        }),
        200,
      );
      expect(cancelled.broadcast).toMatchObject({ status: "done", cancelled: true, sent: 0 });
      expect(cancelled.broadcast.finishedAt).not.toBeNull();
      sender.start();
      // A later broadcast goes out: by then the sender has looked at the cancelled one too.
      await context.database.db.execute(sql.raw(audienceSql(1, { firstTelegramId: 7_450 })));
      await createAndFinish({ text: "Offer I", segment: { kind: "source", code: "nobody-here" } });
      const after = await createAndFinish({ text: "Offer J", segment: { kind: "all" } });
      expect(after.sent).toBe(31);
      expect(fake.callsTo("sendMessage").filter((call) => call.params.text === "Offer H")).toEqual([]);
      expect((await readBroadcast(broadcast.id)).sent).toBe(0);
    });
  });

  describe("routes", () => {
    it("creates (202), reads (200), lists newest first, and counts before sending", async () => {
      await context.database.db.execute(sql.raw(audienceSql(3, { firstTelegramId: 7_500 })));
      await context.database.db.execute(
        sql.raw(audienceSql(2, { firstTelegramId: 7_510, marketing: false })),
      );
      const preview = await expectStatus<{ recipients: number }>(
        await context.request("/api/manager/broadcasts/preview", {
          as: manager,
          json: { segment: { kind: "all" } },
        }),
        200,
      );
      expect(preview.recipients).toBe(3);
      const birthdays = await expectStatus<{ recipients: number }>(
        await context.request("/api/manager/broadcasts/preview", {
          as: manager,
          json: { segment: { kind: "inactive", days: 30 } },
        }),
        200,
      );
      expect(birthdays.recipients, "nobody has visited: all are inactive").toBe(3);
      const first = await expectStatus<BroadcastResponse>(
        await create({ text: "First", segment: { kind: "all" } }),
        202,
      );
      expect(first.broadcast).toMatchObject({
        status: "queued",
        recipients: 3,
        sent: 0,
        text: "First",
        openAppButton: false,
        segment: { kind: "all" },
        finishedAt: null,
      });
      const second = await expectStatus<BroadcastResponse>(
        await create({ text: "Second", segment: { kind: "birthday_month" } }),
        202,
      );
      const list = await expectStatus<{ broadcasts: Broadcast[] }>(
        await context.request("/api/manager/broadcasts", { as: manager }),
        200,
      );
      expect(list.broadcasts.map((broadcast) => broadcast.id)).toEqual([
        second.broadcast.id,
        first.broadcast.id,
      ]);
      expect((await readBroadcast(first.broadcast.id)).id).toBe(first.broadcast.id);
    });

    it("answers 404 for an unknown or malformed id, 422 for a bad message or segment, 403 for a non-manager", async () => {
      for (const id of ["0b6f9c1e-7d3a-4c55-9a57-3f7f0c2e9d11", "not-a-uuid", "1"]) {
        const body = await expectStatus<ErrorEnvelope>(
          await context.request(`/api/manager/broadcasts/${id}`, { as: manager }),
          404,
        );
        expect(body.error.code).toBe("not_found");
        await expectStatus(
          await context.request(`/api/manager/broadcasts/${id}/cancel`, { as: manager, method: "POST" }),
          404,
        );
      }
      for (const [json, field] of [
        [{ text: "", segment: { kind: "all" } }, "text"],
        [{ text: "x".repeat(4001), segment: { kind: "all" } }, "text"],
        [{ text: "Hello", segment: { kind: "everyone" } }, "segment"],
        [{ text: "Hello", segment: { kind: "inactive", days: 0 } }, "segment.days"],
      ] as const) {
        const body = await expectStatus<ErrorEnvelope>(await create(json), 422);
        expect(body.error.code).toBe("validation_failed");
        expect(Object.keys(body.error.fields ?? {}).join(), JSON.stringify(json).slice(0, 60)).toContain(
          field,
        );
      }
      const forbidden = await expectStatus<ErrorEnvelope>(
        await create({ text: "Hello", segment: { kind: "all" } }, stranger),
        403,
      );
      expect(forbidden.error.code).toBe("forbidden");
      const [count] = await selectRows<{ count: number }>(
        context.database.db,
        sql`select count(*)::int as count from broadcasts`,
      );
      expect(count?.count).toBe(0);
    });

    it("sends the test message to the calling manager's own chat only, through the outbox", async () => {
      await context.database.db.execute(sql.raw(audienceSql(2, { firstTelegramId: 7_600 })));
      await expectStatus(
        await context.request("/api/manager/broadcasts/test", {
          as: manager,
          json: { text: "Offer <i>test</i>", openAppButton: false },
        }),
        202,
      );
      await fake.waitFor(() => fake.messagesTo(manager.id).length === 1);
      const [message] = fake.messagesTo(manager.id);
      expect(message?.text).toBe("Offer <i>test</i>");
      expect(message?.parse_mode).toBeUndefined();
      expect(message?.reply_markup).toEqual({
        inline_keyboard: [[{ text: "Отписаться", callback_data: unsubscribeCallbackData }]],
      });
      expect(fake.callsTo("sendMessage")).toHaveLength(1);
      const [jobs] = await selectRows<{ count: number }>(
        context.database.db,
        sql`select count(*)::int as count from outbox_jobs where kind = 'bot_messages'`,
      );
      expect(jobs?.count).toBe(1);
    });
  });
});

/** A bot command in the private chat, e.g. /stop. */
function textUpdateCommand(user: ReturnType<typeof telegramUser>, command: string): Update {
  const update = textUpdate(user, command);
  if (update.message) {
    (update.message as { entities?: unknown }).entities = [
      { type: "bot_command", offset: 0, length: command.length },
    ];
  }
  return update;
}
