import { eq, sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { type FakeBotApi, startFakeBotApi } from "../../test/fake-bot-api";
import { contactUpdate, deliver, telegramUser, webhookEnvironment } from "../../test/telegram-updates";
import { createTestContext, expectStatus, guest, type TestContext } from "../../test/test-app";
import { testDatabaseKind } from "../../test/test-database";
import { outboxJobs, processedUpdates, telegramUsers } from "../db/schema";
import { sourceEventsOf } from "../sources/attribution";
import { botMessagesKind } from "./bot-messages";

/**
 * A fault injected in the database itself, so no test hook lives in the code: a trigger that fails
 * the update's last write (its funnel event), after the phone has been stored in the same
 * transaction. SQLSTATE 08006 is PostgreSQL's "connection failure": the database went away
 * mid-update. Anything else is a fault of the update itself.
 */
async function failFunnelWrites(context: TestContext, sqlState: "08006" | "P0001") {
  const { db } = context.database;
  await db.execute(
    sql.raw(`create or replace function fail_funnel_write() returns trigger language plpgsql as $$
      begin raise exception 'injected fault' using errcode = '${sqlState}'; end $$`),
  );
  await db.execute(
    sql.raw(`create trigger fail_funnel_write before insert on source_events
      for each row execute function fail_funnel_write()`),
  );
}

async function healFunnelWrites(context: TestContext) {
  await context.database.db.execute(sql.raw("drop trigger if exists fail_funnel_write on source_events"));
}

describe(`a bot update commits whole or not at all (${testDatabaseKind})`, () => {
  let fake: FakeBotApi;
  let context: TestContext;

  beforeAll(async () => {
    fake = await startFakeBotApi();
    context = await createTestContext(webhookEnvironment(fake.apiRoot, { DELIVERY_BACKOFF_BASE_MS: "10" }));
  });
  afterAll(async () => {
    await context.close();
    await fake.close();
  });
  afterEach(async () => {
    await healFunnelWrites(context);
    fake.reset();
  });

  const status = async (id: number) =>
    (await expectStatus<{ status: string }>(await context.request("/api/me", { as: guest(id) }), 200)).status;
  const recorded = async (updateId: number) =>
    context.database.db.select().from(processedUpdates).where(eq(processedUpdates.updateId, updateId));
  const storedPhone = async (id: number) =>
    (await context.database.db.select().from(telegramUsers).where(eq(telegramUsers.id, id)))[0]?.phone ??
    null;
  const texts = (id: number) => fake.messagesTo(id).map((message) => String(message.text));

  it("the database failing mid-update leaves no trace; Telegram's re-delivery is processed in full", async () => {
    const ann = telegramUser(7101, "Ann");
    const update = contactUpdate(ann, "+79211230001");
    await failFunnelWrites(context, "08006");

    const failed = await deliver(context, update);
    // Not 200: Telegram must deliver it again.
    expect(failed.status, await failed.clone().text()).toBe(503);
    expect(failed.headers.get("retry-after")).toBe("5");
    expect(await storedPhone(ann.id)).toBeNull();
    expect(await recorded(update.update_id)).toEqual([]);
    expect(fake.messagesTo(ann.id)).toEqual([]);

    await healFunnelWrites(context);
    const redelivered = await deliver(context, update);
    expect(redelivered.status, await redelivered.clone().text()).toBe(200);
    expect(await status(ann.id)).toBe("needs_registration");
    expect(await recorded(update.update_id)).toHaveLength(1);
    const events = await sourceEventsOf(context.database.db, ann.id);
    expect(events.filter((event) => event.kind === "phone_shared")).toHaveLength(1);
    expect(texts(ann.id)).toEqual(["Thank you, your number is in ✅", expect.stringContaining("short form")]);
  });

  it("an update that fails for its own reasons is rolled back whole and not retried", async () => {
    const ben = telegramUser(7102, "Ben");
    const update = contactUpdate(ben, "+79211230002");
    await failFunnelWrites(context, "P0001");

    // 200: a poisoned update re-sent for ever would hold up every update after it.
    expect((await deliver(context, update)).status).toBe(200);
    expect(await storedPhone(ben.id)).toBeNull();
    expect(await recorded(update.update_id)).toHaveLength(1);
    expect(fake.messagesTo(ben.id)).toEqual([]);

    await healFunnelWrites(context);
    expect((await deliver(context, update)).status).toBe(200);
    expect(await storedPhone(ben.id)).toBeNull();
    // The guest shares the phone again (a new update): it works.
    expect((await deliver(context, contactUpdate(ben, "+79211230002"))).status).toBe(200);
    expect(await status(ben.id)).toBe("needs_registration");
  });

  it("messages Telegram could not take at once go out later from the outbox, once, in order", async () => {
    const cleo = telegramUser(7103, "Cleo");
    const update = contactUpdate(cleo, "+79211230003");
    fake.failNext(1, { status: 500 }, { method: "sendMessage" });

    expect((await deliver(context, update)).status).toBe(200);
    expect(await status(cleo.id)).toBe("needs_registration");
    expect(fake.messagesTo(cleo.id)).toEqual([]);
    // Telegram re-sends the update (say its answer got lost): it takes no effect a second time.
    expect((await deliver(context, update)).status).toBe(200);

    const jobs = () =>
      context.database.db
        .select()
        .from(outboxJobs)
        .where(
          sql`${outboxJobs.kind} = ${botMessagesKind} and (${outboxJobs.payload} ->> 'chatId')::bigint = ${cleo.id}`,
        );
    expect(await jobs()).toHaveLength(1);

    const worker = context.bot?.replyDelivery;
    if (!worker) throw new Error("the test app has no bot");
    await vi.waitFor(
      async () => {
        await worker.runOnce();
        expect(texts(cleo.id)).toHaveLength(2);
      },
      { timeout: 5000 },
    );
    expect(await worker.runOnce()).toBe(false);
    expect(texts(cleo.id)).toEqual([
      "Thank you, your number is in ✅",
      expect.stringContaining("short form"),
    ]);
    const [job] = await jobs();
    expect(job).toMatchObject({ status: "done", attempts: 1 });
    // Sent: the texts (a name, a phone in an alert) are not kept.
    expect(JSON.stringify(job?.payload)).not.toContain("Thank you");
  });
});
