import { randomUUID } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { type BotApiGate, startBotApiGate } from "../../test/bot-api-gate";
import { createDeliveryKit, type DeliveryKit, managersChatId } from "../../test/review-delivery-kit";
import { guest } from "../../test/test-app";
import { outboxJobs, reviewMessages, reviews } from "../db/schema";
import { retryRefusedJobsNow } from "../outbox/outbox-worker";

type Sent = {
  chat_id: number;
  text: string;
  parse_mode?: string;
  reply_parameters?: { message_id: number };
  link_preview_options?: { is_disabled: boolean };
};

const jobOf = async (kit: DeliveryKit, reviewId: string) => {
  const [job] = await kit.db
    .select()
    .from(outboxJobs)
    .where(sql`${outboxJobs.payload} ->> 'reviewId' = ${reviewId}`);
  if (!job) throw new Error(`no outbox job for review ${reviewId}`);
  return job;
};

/** Waits for a condition on the database (vi.waitFor probes until it holds) and returns what it saw. */
const eventually = <T>(probe: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 20_000) =>
  vi.waitFor(
    async () => {
      const value = await probe();
      if (!accept(value)) throw new Error(`condition not met: ${JSON.stringify(value)}`);
      return value;
    },
    { timeout: timeoutMs, interval: 10 },
  );

const sentTo = (kit: DeliveryKit, chatId = managersChatId) =>
  kit.fake.messagesTo(chatId) as unknown as Sent[];

describe("review delivery to the managers' chat", () => {
  let kit: DeliveryKit;

  beforeEach(async () => {
    kit = await createDeliveryKit();
  });
  afterEach(() => kit.close());

  it("sends the review as HTML: name linked to the profile, @username, phone, stars and text; records the ids", async () => {
    const ann = await kit.guestWithPhone({ ...guest(9101, "Ann"), username: "ann_k" }, "+79211234567");
    const reviewId = await kit.postReview(ann, {
      text: "The borscht was perfect.\nCome back soon!",
      rating: 4,
    });
    kit.worker().start();
    await kit.waitUntilDelivered(1, 20_000);

    const [message, ...more] = sentTo(kit);
    expect(more).toEqual([]);
    expect(message?.parse_mode).toBe("HTML");
    expect(message?.link_preview_options).toEqual({ is_disabled: true });
    expect(message?.text).toBe(
      [
        "📝 <b>Новый отзыв</b> · ★★★★☆ 4/5",
        'Гость: <a href="tg://user?id=9101">Ann Tester</a> @ann_k',
        "Телефон: +7 921 123-45-67",
        "",
        "The borscht was perfect.\nCome back soon!",
      ].join("\n"),
    );

    const [stored] = await kit.db.select().from(reviews).where(eq(reviews.id, reviewId));
    expect(stored?.deliveredAt).toBeInstanceOf(Date);
    expect(stored?.managerChatId).toBe(managersChatId);
    expect(stored?.managerMessageIds).toEqual([1]);
    expect(await kit.db.select().from(reviewMessages)).toMatchObject([
      { chatId: managersChatId, messageId: 1, reviewId, kind: "review" },
    ]);
    expect(await jobOf(kit, reviewId)).toMatchObject({
      status: "done",
      attempts: 0,
      result: { chatId: managersChatId, messageIds: [1] },
      lockedUntil: null,
    });
  });

  it("uses the registered account's full name and shows no rating as such", async () => {
    const bea = await kit.guestWithPhone(guest(9102, "Bea"));
    await kit.db.execute(
      sql`insert into accounts (phone, last_name, first_name, middle_name, origin) values ('+79990009102', 'Иванова', 'Беатриса', 'Олеговна', 'registration')`,
    );
    await kit.db.execute(
      sql`update telegram_users set account_id = (select id from accounts where phone = '+79990009102') where id = 9102`,
    );
    await kit.postReview(bea, { text: "Без оценки" });
    kit.worker().start();
    await kit.waitUntilDelivered(1, 20_000);
    expect(sentTo(kit)[0]?.text).toContain(
      'без оценки\nГость: <a href="tg://user?id=9102">Иванова Беатриса Олеговна</a> @guest9102',
    );
  });

  it("waits out a 429's retry_after, backs off through three 500s, and delivers exactly once", async () => {
    const cat = await kit.guestWithPhone(guest(9103, "Cat"));
    kit.fake.failNext(1, { status: 429, retryAfter: 2 }, { method: "sendMessage" });
    kit.fake.failNext(3, { status: 500 }, { method: "sendMessage" });
    const reviewId = await kit.postReview(cat, { text: "Patience", rating: 5 });
    kit.worker().start();
    await kit.waitUntilDelivered(1, 20_000);

    const calls = kit.fake.callsTo("sendMessage");
    expect(calls.map((call) => call.status)).toEqual([429, 500, 500, 500, 200]);
    expect(sentTo(kit)).toHaveLength(1);
    const at = calls.map((call) => call.at);
    const gaps = at.slice(1).map((time, index) => time - (at[index] as number));
    expect(gaps[0], "the retry waited for retry_after (2 s)").toBeGreaterThanOrEqual(2000);
    // Backoff base 50 ms, doubling, ±20 % jitter: at least 40, 80 and 160 ms.
    expect(gaps[1]).toBeGreaterThanOrEqual(40);
    expect(gaps[2]).toBeGreaterThanOrEqual(80);
    expect(gaps[3]).toBeGreaterThanOrEqual(160);
    expect(await jobOf(kit, reviewId)).toMatchObject({ status: "done", attempts: 4, lastError: null });
  });

  it("keeps the job through network errors, then delivers with a working connection", async () => {
    const dan = await kit.guestWithPhone(guest(9104, "Dan"));
    const reviewId = await kit.postReview(dan, { text: "Offline for a while" });
    // Nothing listens on port 1: every call fails before reaching Telegram.
    const unreachable = kit.worker({ apiRoot: "http://127.0.0.1:1" });
    unreachable.start();
    const failing = await eventually(
      () => jobOf(kit, reviewId),
      (job) => job.attempts >= 2,
    );
    await unreachable.stop();
    expect(failing).toMatchObject({ status: "pending" });
    expect(failing.lastError).toMatch(/^transient: network/);

    kit.worker().start();
    await kit.waitUntilDelivered(1, 20_000);
    expect(sentTo(kit)).toHaveLength(1);
  });

  it("logs a refusal (chat not found) loudly, keeps the job, and delivers once the setting is fixed", async () => {
    const eve = await kit.guestWithPhone(guest(9105, "Eve"));
    kit.fake.failNext(
      1,
      { status: 400, description: "Bad Request: chat not found" },
      { method: "sendMessage" },
    );
    const reviewId = await kit.postReview(eve, { text: "Hello?" });
    const worker = kit.worker();
    worker.start();
    const refused = await eventually(
      () => jobOf(kit, reviewId),
      (job) => job.attempts === 1,
    );
    expect(refused.status).toBe("pending");
    expect(refused.lastError).toBe("permanent: sendMessage: 400 Bad Request: chat not found");
    // Not retried at once: it waits for the permanent-refusal delay (a minute in this test).
    expect(refused.runAt.getTime()).toBeGreaterThan(Date.now() + 30_000);
    const loud = kit.logs().find((line) => line.level === 50 && line.jobId === refused.id);
    expect(loud).toMatchObject({ hint: "check MANAGER_CHAT_ID and that the bot is a member of that chat" });
    expect(sentTo(kit)).toEqual([]);

    // A restart with the fixed setting makes the refused jobs due at once.
    expect(await retryRefusedJobsNow(kit.db, worker.kinds)).toBe(1);
    worker.wake();
    await kit.waitUntilDelivered(1, 20_000);
    expect(sentTo(kit)).toHaveLength(1);
  });

  it("sends a review too long for one message whole, in parts replying to the first, none repeated after a failure", async () => {
    const fay = await kit.guestWithPhone(guest(9106, "Fay"));
    // 4000 characters that escape to about 13,000: several messages.
    const text = `${"<&> ".repeat(800)}${"\"quoted\" & 'single' ".repeat(60)}`.slice(0, 4000).trim();
    const reviewId = await kit.postReview(fay, { text, rating: 2 });
    // Two messages per second to the group: the third part waits, and then meets a 500.
    kit.worker({ pacing: { messages: 2, windowMs: 1000 } }).start();
    await kit.fake.waitFor(() => sentTo(kit).length === 2, 20_000);
    kit.fake.failNext(1, { status: 500 }, { method: "sendMessage" });
    await kit.waitUntilDelivered(1, 30_000);

    const messages = sentTo(kit);
    expect(messages.length).toBeGreaterThanOrEqual(4);
    const decodeEntities = (html: string) =>
      html
        .replace(/&lt;/g, "<")
        .replace(/&gt;/g, ">")
        .replace(/&quot;/g, '"')
        .replace(/&#39;/g, "'")
        .replace(/&amp;/g, "&");
    const body = messages
      .map((message) => decodeEntities(message.text.slice(message.text.indexOf("\n\n") + 2)))
      .join("");
    expect(body).toBe(text);
    messages.forEach((message, index) => {
      expect([...message.text].length).toBeLessThanOrEqual(4096);
      if (index > 0) expect(message.reply_parameters?.message_id).toBe(1);
      expect(message.text).toContain(
        index === 0 ? `(часть 1 из ${messages.length})` : `часть ${index + 1} из`,
      );
    });
    expect(kit.fake.callsTo("sendMessage").filter((call) => call.status === 500)).toHaveLength(1);
    const [stored] = await kit.db.select().from(reviews).where(eq(reviews.id, reviewId));
    expect(stored?.managerMessageIds).toEqual(messages.map((_, index) => index + 1));
  });

  it("finishes the delivery in flight when stopped, and claims nothing after", async () => {
    const gate: BotApiGate = await startBotApiGate(kit.fake.apiRoot);
    try {
      const gil = await kit.guestWithPhone(guest(9107, "Gil"));
      const held = gate.holdNext("sendMessage");
      const worker = kit.worker({ apiRoot: gate.apiRoot });
      worker.start();
      const first = await kit.postReview(gil, { text: "In flight" });
      await held.arrived;
      const second = await kit.postReview(gil, { text: "After the stop" });

      let stopped = false;
      const stopping = worker.stop().then(() => {
        stopped = true;
      });
      for (let turn = 0; turn < 20; turn++) await new Promise((resolve) => setImmediate(resolve));
      expect(stopped, "stop() waits for the delivery in flight").toBe(false);
      await held.release();
      await stopping;

      expect((await jobOf(kit, first)).status).toBe("done");
      expect((await jobOf(kit, second)).status).toBe("pending");
      expect(sentTo(kit).map((message) => message.text.split("\n\n")[1])).toEqual(["In flight"]);
    } finally {
      await gate.close();
    }
  });

  it("does not mark a job done once another worker has taken it over (fenced by the lease token)", async () => {
    const gate = await startBotApiGate(kit.fake.apiRoot);
    try {
      const hal = await kit.guestWithPhone(guest(9108, "Hal"));
      const held = gate.holdNext("sendMessage");
      kit.worker({ apiRoot: gate.apiRoot }).start();
      const reviewId = await kit.postReview(hal, { text: "Slow" });
      await held.arrived;
      // As if this worker's lease had run out and another worker had claimed the job.
      await kit.db
        .update(outboxJobs)
        .set({ leaseToken: randomUUID() })
        .where(eq(outboxJobs.id, (await jobOf(kit, reviewId)).id));
      await held.release();
      await eventually(
        async () =>
          kit.logs().filter((line) => line.msg === "outbox: lease lost; another worker has the job").length,
        (count) => count === 1,
      );
      expect((await jobOf(kit, reviewId)).status).toBe("pending");
      const [stored] = await kit.db.select().from(reviews).where(eq(reviews.id, reviewId));
      expect(stored?.deliveredAt).toBeNull();
    } finally {
      await gate.close();
    }
  });

  it("completes the job of a review deleted before delivery without sending anything", async () => {
    const ida = await kit.guestWithPhone(guest(9109, "Ida"));
    const reviewId = await kit.postReview(ida, { text: "Forget me" });
    await kit.db.delete(reviews).where(eq(reviews.id, reviewId));
    const worker = kit.worker();
    expect(await worker.runOnce()).toBe(true);
    expect(await jobOf(kit, reviewId)).toMatchObject({
      status: "done",
      result: { skipped: "review deleted" },
    });
    expect(sentTo(kit)).toEqual([]);
  });
});

describe("review delivery without MANAGER_CHAT_ID", () => {
  it("stores reviews and leaves them waiting, untouched, until a managers' chat is set", async () => {
    const kit = await createDeliveryKit({ managerChatId: null });
    try {
      const joe = await kit.guestWithPhone(guest(9201, "Joe"));
      const reviewId = await kit.postReview(joe, { text: "Anyone there?" });
      const idle = kit.worker();
      expect(await idle.runOnce(), "nothing to claim without a managers' chat").toBe(false);
      expect(await jobOf(kit, reviewId)).toMatchObject({ status: "pending", attempts: 0, lockedUntil: null });
      expect(kit.fake.callsTo("sendMessage")).toEqual([]);

      // The operator sets MANAGER_CHAT_ID and restarts: the waiting review goes out.
      kit.worker({ managerChatId: managersChatId }).start();
      await kit.waitUntilDelivered(1, 20_000);
      expect(sentTo(kit)).toHaveLength(1);
    } finally {
      await kit.close();
    }
  });
});
