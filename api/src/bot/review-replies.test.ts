import { eq } from "drizzle-orm";
import { Api } from "grammy";
import type { Message, Update } from "grammy/types";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { type FakeBotApi, startFakeBotApi } from "../../test/fake-bot-api";
import { capturingLogger, fastTiming } from "../../test/review-delivery-kit";
import {
  contactUpdate,
  deliver,
  groupChat,
  telegramUser,
  testManagerChatId,
  webhookEnvironment,
} from "../../test/telegram-updates";
import { createTestContext, expectStatus, guest, type TestContext, testBotToken } from "../../test/test-app";
import { reviewMessages, reviewReplies } from "../db/schema";
import { createOutboxWorker, type OutboxWorker } from "../outbox/outbox-worker";
import { reviewDeliveryHandlers } from "../reviews/delivery-handlers";

type Sent = { chat_id: number; text: string; reply_parameters?: { message_id: number } };

let nextUpdateId = 700_000;
let nextMessageId = 90_000;

/** A text message that replies (Telegram "reply") to `repliedTo`, as the client sends it. */
function replyUpdate(
  author: { id: number; firstName: string },
  chat: Message["chat"],
  text: string,
  repliedTo: { message_id: number; text: string },
): Update {
  const date = Math.floor(Date.now() / 1000);
  return {
    update_id: nextUpdateId++,
    message: {
      message_id: nextMessageId++,
      date,
      chat,
      from: { id: author.id, is_bot: false, first_name: author.firstName },
      text,
      reply_to_message: {
        message_id: repliedTo.message_id,
        date,
        chat,
        from: { id: 123456789, is_bot: true, first_name: "Guestcard Test" },
        text: repliedTo.text,
      },
    } as Message,
  } as Update;
}

describe("replies: managers' chat ↔ the guest, through the bot and the outbox", () => {
  let fake: FakeBotApi;
  let context: TestContext;
  let worker: OutboxWorker;
  const ann = telegramUser(9701, "Ann");
  const manager = { id: 777_001, firstName: "Maria" };
  const managersChat = groupChat(testManagerChatId);
  const privateChatOf = (user: { id: number; firstName: string }): Message["chat"] => ({
    id: user.id,
    type: "private",
    first_name: user.firstName,
  });
  const sentTo = (chatId: number) => fake.messagesTo(chatId) as unknown as Sent[];
  /** The id Telegram gave our message of this kind (the fake numbers messages per chat). */
  const messageIdOf = async (kind: "review" | "manager_reply" | "guest_answer") => {
    // Recorded right after Telegram's "ok", so a moment after the fake has the message.
    return vi.waitFor(
      async () => {
        const [row] = await context.database.db
          .select({ messageId: reviewMessages.messageId })
          .from(reviewMessages)
          .where(eq(reviewMessages.kind, kind));
        if (!row) throw new Error(`no ${kind} message recorded`);
        return row.messageId;
      },
      { timeout: 20_000, interval: 10 },
    );
  };

  beforeAll(async () => {
    fake = await startFakeBotApi();
    context = await createTestContext(webhookEnvironment(fake.apiRoot));
    const db = context.database.db;
    worker = createOutboxWorker({
      db,
      logger: capturingLogger().logger,
      handlers: reviewDeliveryHandlers({
        db,
        api: new Api(testBotToken, { apiRoot: fake.apiRoot }),
        pacing: { messages: 1000, windowMs: 60_000 },
        managerChatId: testManagerChatId,
        settingsDefaults: context.config,
      }),
      timing: fastTiming,
    });
    worker.start();
    expect((await deliver(context, contactUpdate(ann, "+79211112233"))).status).toBe(200);
    // The bot's answers to the contact are not what these tests look at.
    fake.reset();
  });
  afterAll(async () => {
    await worker.stop();
    await context.close();
    await fake.close();
  });
  afterEach(() => fake.reset());

  it("carries a manager's reply to the guest, and the guest's answer back to the review's thread", async () => {
    await expectStatus(
      await context.request("/api/reviews", {
        as: guest(ann.id, "Ann"),
        json: { text: "The soup was cold.", rating: 2 },
      }),
      202,
    );
    await fake.waitFor(() => sentTo(testManagerChatId).length === 1, 20_000);
    const review = {
      message_id: await messageIdOf("review"),
      text: sentTo(testManagerChatId)[0]?.text ?? "",
    };

    // The manager taps "Reply" on the review in the managers' chat.
    const managerReply = replyUpdate(manager, managersChat, "Sorry! Your next soup is on us.", review);
    expect((await deliver(context, managerReply)).status).toBe(200);
    await fake.waitFor(() => sentTo(ann.id).length === 1, 20_000);
    const [toGuest] = sentTo(ann.id);
    expect(toGuest?.text).toBe(
      [
        "💬 <b>Reply from Guestcard</b> to your review",
        "<blockquote>The soup was cold.</blockquote>",
        "<i>To answer, reply to this message.</i>",
        "",
        "Sorry! Your next soup is on us.",
      ].join("\n"),
    );
    // Telegram re-sends the same update: nothing new reaches the guest.
    expect((await deliver(context, managerReply)).status).toBe(200);

    // The guest replies to the bot's message in their private chat.
    const delivered = { message_id: await messageIdOf("manager_reply"), text: toGuest?.text ?? "" };
    const guestAnswer = replyUpdate(
      { id: ann.id, firstName: "Ann" },
      privateChatOf(ann),
      "Thank you, see you Friday!",
      delivered,
    );
    expect((await deliver(context, guestAnswer)).status).toBe(200);
    await fake.waitFor(() => sentTo(testManagerChatId).length === 2, 20_000);

    const [, answer] = sentTo(testManagerChatId);
    expect(answer?.reply_parameters?.message_id, "a reply to the review message").toBe(review.message_id);
    expect(answer?.text).toBe(
      '↩️ <b>Ответ гостя</b> · <a href="tg://user?id=9701">Ann Tester</a> @guest9701\n\nThank you, see you Friday!',
    );
    // The guest is told their answer is on its way, in their language.
    expect(sentTo(ann.id).map((message) => message.text)).toContain(
      "Thank you! We are passing your answer on to the restaurant.",
    );
    expect(sentTo(ann.id)).toHaveLength(2);

    // The managers can reply to the guest's answer too: the conversation goes on.
    const secondReply = replyUpdate(manager, managersChat, "See you!", {
      message_id: await messageIdOf("guest_answer"),
      text: answer?.text ?? "",
    });
    expect((await deliver(context, secondReply)).status).toBe(200);
    await fake.waitFor(() => sentTo(ann.id).length === 3, 20_000);

    const mine = await expectStatus<{
      reviews: Array<{ answered: boolean; replies: Array<{ author: string; text: string }> }>;
    }>(await context.request("/api/reviews", { as: guest(ann.id, "Ann") }), 200);
    expect(mine.reviews[0]).toMatchObject({
      answered: true,
      replies: [
        { author: "manager", text: "Sorry! Your next soup is on us." },
        { author: "guest", text: "Thank you, see you Friday!" },
        { author: "manager", text: "See you!" },
      ],
    });
    expect(await context.database.db.$count(reviewReplies)).toBe(3);
  });

  it("ignores what is not a reply to a review: plain messages, replies to other messages, other chats", async () => {
    const before = await context.database.db.$count(reviewReplies);
    const otherGroup = groupChat(-1_009_999_999_999);
    const updates = [
      // A reply to a message that is not a review, in the managers' chat.
      replyUpdate(manager, managersChat, "Lunch?", { message_id: 424_242, text: "Who is in?" }),
      // A reply in another group to a message id that is a review in the managers' chat.
      replyUpdate(manager, otherGroup, "Hijack", { message_id: 1, text: "x" }),
      // A guest replying, in private, to a message of the bot that is not a manager's reply.
      replyUpdate({ id: ann.id, firstName: "Ann" }, privateChatOf(ann), "Hi bot", {
        message_id: 999_999,
        text: "x",
      }),
    ];
    for (const update of updates) expect((await deliver(context, update)).status).toBe(200);
    expect(await context.database.db.$count(reviewReplies)).toBe(before);
    expect(sentTo(testManagerChatId)).toEqual([]);
    // The private message fell through to the bot's fallback, which answers it.
    expect(sentTo(ann.id)).toHaveLength(1);
    expect(sentTo(ann.id)[0]?.text).not.toContain("passing your answer");
  });
});
