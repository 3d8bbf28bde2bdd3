import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeBotApi, startFakeBotApi } from "../../test/fake-bot-api";
import {
  contactUpdate,
  deliver,
  startUpdate,
  telegramUser,
  webhookEnvironment,
} from "../../test/telegram-updates";
import { createTestContext, expectStatus, guest, type TestContext } from "../../test/test-app";
import { telegramUsers } from "../db/schema";
import { recordSourceEvent, sourceEventsOf } from "./attribution";

const manager = guest(9_500, "Manager");

describe("attribution: first touch wins, each step once", () => {
  let fake: FakeBotApi;
  let context: TestContext;

  beforeAll(async () => {
    fake = await startFakeBotApi();
    context = await createTestContext(
      webhookEnvironment(fake.apiRoot, { ADMIN_TELEGRAM_IDS: String(manager.id) }),
    );
    for (const [name, code] of [
      ["Table tents", "tents"],
      ["Receipts", "receipts"],
    ]) {
      await expectStatus(
        await context.request("/api/manager/sources", { as: manager, json: { name, code } }),
        201,
      );
    }
  });
  afterAll(async () => {
    await context.close();
    await fake.close();
  });

  const events = async (telegramUserId: number) =>
    (await sourceEventsOf(context.database.db, telegramUserId)).map((event) => `${event.kind}@${event.code}`);

  /** Opens the Mini App as Telegram would after a `startapp=<code>` link. */
  const openMiniApp = (user: ReturnType<typeof guest>, startParam?: string) =>
    context.request("/api/me", {
      headers: { authorization: `tma ${context.initData(user, startParam ? { startParam } : {})}` },
    });

  it("takes the source from `/start <code>` through the webhook", async () => {
    const user = telegramUser(9_501);
    expect((await deliver(context, startUpdate(user, "tents"))).status).toBe(200);
    expect(await events(user.id)).toEqual(["started@tents"]);
  });

  it("keeps the first source when the user later comes through another link", async () => {
    const user = telegramUser(9_502);
    await deliver(context, startUpdate(user, "receipts"));
    await deliver(context, startUpdate(user, "tents"));
    await openMiniApp(guest(user.id), "tents");
    await deliver(context, contactUpdate(user, "+79990009502"));
    expect(await events(user.id)).toEqual(["started@receipts", "phone_shared@receipts"]);
  });

  it("takes the source from the Mini App's start_param", async () => {
    const user = guest(9_503);
    await expectStatus(await openMiniApp(user, "receipts"), 200);
    expect(await events(user.id)).toEqual(["started@receipts"]);
    const [row] = await context.database.db.select().from(telegramUsers).where(eq(telegramUsers.id, user.id));
    expect(row?.sourceId).not.toBeNull();
  });

  it("counts a plain /start, an unknown code and a malformed one for the default source", async () => {
    const plain = telegramUser(9_504);
    const unknown = telegramUser(9_505);
    const malformed = guest(9_506);
    await deliver(context, startUpdate(plain));
    await deliver(context, startUpdate(unknown, "no_such_code"));
    await openMiniApp(malformed, "bad code!");
    expect([await events(plain.id), await events(unknown.id), await events(malformed.id)]).toEqual([
      ["started@default"],
      ["started@default"],
      ["started@default"],
    ]);
  });

  it("a user who came plainly stays with the default source after a tagged link", async () => {
    const user = guest(9_507);
    await openMiniApp(user);
    await openMiniApp(user, "tents");
    await deliver(context, startUpdate(telegramUser(user.id), "tents"));
    expect(await events(user.id)).toEqual(["started@default"]);
  });

  it("still attributes to an archived source: its printed codes are still out there", async () => {
    const { source } = await expectStatus<{ source: { id: number } }>(
      await context.request("/api/manager/sources", {
        as: manager,
        json: { name: "Old poster", code: "old_poster" },
      }),
      201,
    );
    await context.request(`/api/manager/sources/${source.id}`, {
      as: manager,
      method: "PATCH",
      json: { archived: true },
    });
    const user = telegramUser(9_508);
    await deliver(context, startUpdate(user, "old_poster"));
    expect(await events(user.id)).toEqual(["started@old_poster"]);
  });

  it("records each step once however often it happens, concurrently too", async () => {
    const user = guest(9_509);
    await Promise.all([
      openMiniApp(user, "tents"),
      openMiniApp(user, "receipts"),
      openMiniApp(user, "tents"),
    ]);
    const recorded = await events(user.id);
    expect(recorded).toHaveLength(1);
    expect(["started@tents", "started@receipts"]).toContain(recorded[0]);
  });

  it("keeps the first touch when the user's row did not exist yet", async () => {
    // The bot might record before it remembers the user; the earliest event's source then decides.
    await recordSourceEvent(context.database.db, 9_510, "started", "receipts");
    await openMiniApp(guest(9_510), "tents");
    await recordSourceEvent(context.database.db, 9_510, "phone_shared", "tents");
    expect(await events(9_510)).toEqual(["started@receipts", "phone_shared@receipts"]);
  });
});
