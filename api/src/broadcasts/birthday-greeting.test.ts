import { sql } from "drizzle-orm";
import { Api } from "grammy";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AudienceOptions, audienceSql } from "../../test/broadcast-kit";
import { type FakeBotApi, startFakeBotApi } from "../../test/fake-bot-api";
import { createTestContext, type TestContext, testBotToken } from "../../test/test-app";
import { selectRows } from "../db/client";
import { createLogger } from "../logger";
import { runDailyLoyaltyStep } from "../loyalty/programme-points";
import { createOutboxWorker } from "../outbox/outbox-worker";
import { updateLoyaltyProgramme, updateSettings } from "../settings/settings";
import { birthdayGreetingHandlers, birthdayGreetingJobKind } from "./birthday-greeting";
import { todayIn } from "./recipients";

// Vladivostok is UTC+10: its 14 July begins at 14:00 UTC on the 13th.
const timeZone = "Asia/Vladivostok";
const beforeMidnight = new Date("2031-07-13T13:59:59Z");
const afterMidnight = new Date("2031-07-13T14:00:01Z");

describe("the birthday greeting", () => {
  let context: TestContext;
  let fake: FakeBotApi;
  const db = () => context.database.db;

  beforeAll(async () => {
    fake = await startFakeBotApi();
    context = await createTestContext({ TIMEZONE: timeZone, TELEGRAM_API_ROOT: fake.apiRoot });
    await updateLoyaltyProgramme(db(), { birthdayPoints: 100 });
  });
  afterAll(async () => {
    await context.close();
    await fake.close();
  });

  async function guestsBornOn(birthday: string, first: number, options: Partial<AudienceOptions>) {
    await db().execute(sql.raw(audienceSql(1, { firstTelegramId: first, ...options })));
    await db().execute(sql`update accounts set birthday = ${birthday}
      where id = (select account_id from telegram_users where id = ${first})`);
  }

  const greetings = () =>
    selectRows<{ chat_id: number | string; year: number }>(
      db(),
      sql`select tu.id as chat_id, g.year from birthday_greetings g join telegram_users tu on tu.account_id = g.account_id order by tu.id`,
    );
  const greetingJobs = () =>
    selectRows<{ payload: { accountId: string; points: number; year: number } }>(
      db(),
      sql`select payload from outbox_jobs where kind = ${birthdayGreetingJobKind} order by id`,
    );
  const birthdayMovements = () =>
    selectRows<{ chat_id: number | string; points: number | string }>(
      db(),
      sql`select tu.id as chat_id, m.points from loyalty_movements m
            join telegram_users tu on tu.account_id = m.account_id where m.kind = 'birthday' order by tu.id`,
    );

  it("is off by default: the birthday points alone", async () => {
    await guestsBornOn("1990-03-03", 8_500, {});
    expect(await runDailyLoyaltyStep(db(), "2031-03-03")).toMatchObject({ birthdays: 1 });
    expect(await greetings()).toEqual([]);
    expect(await greetingJobs()).toEqual([]);
  });

  it("run twice, in two processes at once, across midnight in TIMEZONE: one greeting and one bonus", async () => {
    await updateSettings(db(), context.config, { birthdayGreeting: true });
    await guestsBornOn("1988-07-14", 8_510, {});
    // Born the same day, but no marketing consent / no private chat with the bot: points, no greeting.
    await guestsBornOn("1992-07-14", 8_511, { marketing: false });
    await guestsBornOn("1993-07-14", 8_512, { privateChat: false });

    // The day is the restaurant's: in UTC it is still the 13th after Vladivostok's midnight.
    expect(todayIn(timeZone, beforeMidnight)).toBe("2031-07-13");
    expect(todayIn(timeZone, afterMidnight)).toBe("2031-07-14");
    expect(todayIn("UTC", afterMidnight)).toBe("2031-07-13");

    // One process runs the step just before midnight, then both run it just after, at once, then
    // one again after a restart. (On PostgreSQL the two runs hold two connections of their own.)
    expect(await runDailyLoyaltyStep(db(), todayIn(timeZone, beforeMidnight))).toMatchObject({
      birthdays: 0,
    });
    const [first, second] = await Promise.all([
      runDailyLoyaltyStep(db(), todayIn(timeZone, afterMidnight)),
      runDailyLoyaltyStep(db(), todayIn(timeZone, afterMidnight)),
    ]);
    expect((first?.birthdays ?? 0) + (second?.birthdays ?? 0), "three guests credited, once").toBe(3);
    expect(await runDailyLoyaltyStep(db(), todayIn(timeZone, afterMidnight))).toMatchObject({ birthdays: 0 });

    expect((await greetings()).map((row) => [Number(row.chat_id), row.year])).toEqual([[8_510, 2031]]);
    const jobs = await greetingJobs();
    expect(jobs).toHaveLength(1);
    expect(jobs[0]?.payload).toMatchObject({ points: 100, year: 2031 });
    const credited = (await birthdayMovements()).filter((row) => Number(row.chat_id) >= 8_510);
    expect(credited.map((row) => [Number(row.chat_id), Number(row.points)])).toEqual([
      [8_510, 100],
      [8_511, 100],
      [8_512, 100],
    ]);

    // Delivered once, in the guest's language, with the Unsubscribe button.
    const worker = createOutboxWorker({
      db: db(),
      logger: createLogger("silent"),
      handlers: birthdayGreetingHandlers({
        db: db(),
        api: new Api(testBotToken, { apiRoot: fake.apiRoot }),
        settingsDefaults: { ...context.config, restaurantName: "Trattoria" },
      }),
      timing: { pollIntervalMs: 10 },
    });
    while (await worker.runOnce()) {}
    const messages = fake.messagesTo(8_510);
    expect(messages).toHaveLength(1);
    expect(messages[0]?.text).toMatch(/с днём рождения.*100 баллов/);
    expect(messages[0]?.parse_mode).toBeUndefined();
    expect(JSON.stringify(messages[0]?.reply_markup)).toContain("marketing:unsubscribe");
    expect(fake.messagesTo(8_511)).toEqual([]);
    expect(fake.messagesTo(8_512)).toEqual([]);
  });
});
