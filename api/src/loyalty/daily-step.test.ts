import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { capturingLogger } from "../../test/review-delivery-kit";
import { createTestDatabase, testDatabaseKind } from "../../test/test-database";
import { registerGuests } from "../card/card-test-fixtures";
import type { DatabaseConnection } from "../db/client";
import { accounts, loyaltyDailySteps } from "../db/schema";
import { updateLoyaltyProgramme } from "../settings/settings";
import { createDailyStepScheduler, restaurantDay, runDueDailySteps } from "./daily-step";
import { pointsOf } from "./loyalty-test-kit";

describe("the restaurant's day", () => {
  it("is the date at the restaurant's offset from UTC", () => {
    const lateEvening = new Date("2031-03-01T22:30:00Z");
    expect(restaurantDay(lateEvening, 0)).toBe("2031-03-01");
    expect(restaurantDay(lateEvening, 180), "Moscow: already the 2nd").toBe("2031-03-02");
    expect(restaurantDay(new Date("2031-03-01T02:00:00Z"), -300), "New York: still the 28th").toBe(
      "2031-02-28",
    );
  });
});

describe(`the programme's daily step, once per day across processes (${testDatabaseKind})`, () => {
  let database: DatabaseConnection;
  const db = () => database.db;
  const bornOn = async (telegramId: number, birthday: string) => {
    const [guest] = await registerGuests(db(), 1, { firstTelegramId: telegramId });
    await db().update(accounts).set({ birthday }).where(eq(accounts.id, guest!.accountId));
    return guest!.accountId;
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    await updateLoyaltyProgramme(db(), { birthdayPoints: 100 });
  });
  afterAll(() => database.close());

  it("runs a day's step once when processes race for it, and not again after a restart", async () => {
    const guest = await bornOn(76_001, "1990-08-10");
    const runs = await Promise.all([
      runDueDailySteps(db(), "2031-08-10"),
      runDueDailySteps(db(), "2031-08-10"),
      runDueDailySteps(db(), "2031-08-10"),
    ]);
    expect(runs.flat()).toEqual([{ day: "2031-08-10", birthdays: 1, lapsed: 0 }]);
    expect(await runDueDailySteps(db(), "2031-08-10"), "a restart the same day").toEqual([]);
    expect((await pointsOf(db(), guest)).balanceRow).toBe(100);
    const [row] = await db().select().from(loyaltyDailySteps).where(eq(loyaltyDailySteps.day, "2031-08-10"));
    expect(row).toMatchObject({ birthdays: 1, lapsed: 0, finishedAt: expect.any(Date) });
  });

  it("catches up the birthdays of days no process ran, up to a week back", async () => {
    const missed = await bornOn(76_002, "1991-08-12");
    const longAgo = await bornOn(76_003, "1992-08-01");
    // The last step ran on the 10th (above); the servers were down until the 14th... and the 1st is too old.
    const runs = await runDueDailySteps(db(), "2031-08-14");
    expect(runs.map((run) => run.day)).toEqual(["2031-08-11", "2031-08-12", "2031-08-13", "2031-08-14"]);
    expect(runs.find((run) => run.day === "2031-08-12")).toEqual({
      day: "2031-08-12",
      birthdays: 1,
      lapsed: null,
    });
    expect((await pointsOf(db(), missed)).balanceRow).toBe(100);
    expect((await pointsOf(db(), longAgo)).balanceRow).toBe(0);
  });

  it("takes over a day whose process died mid-step, once the claim is old", async () => {
    const guest = await bornOn(76_004, "1993-08-20");
    await db().insert(loyaltyDailySteps).values({ day: "2031-08-20" });
    const meanwhile = await runDueDailySteps(db(), "2031-08-20");
    expect(
      meanwhile.map((run) => run.day),
      "a fresh claim is someone else's (the days before it are caught up)",
    ).not.toContain("2031-08-20");
    await db().execute(
      sql`update loyalty_daily_steps set started_at = now() - interval '31 minutes' where day = '2031-08-20'`,
    );
    expect(await runDueDailySteps(db(), "2031-08-20")).toEqual([
      expect.objectContaining({ day: "2031-08-20", birthdays: 1 }),
    ]);
    expect((await pointsOf(db(), guest)).balanceRow).toBe(100);
  });

  it("is started by a scheduler that runs at once, looks again, and stops cleanly", async () => {
    const guest = await bornOn(76_005, "1994-09-01");
    // A first start: no step ran before, so nothing to catch up.
    await db().delete(loyaltyDailySteps);
    let now = new Date("2031-08-31T20:00:00Z");
    const { logger, lines } = capturingLogger();
    const scheduler = createDailyStepScheduler({
      db: db(),
      logger,
      utcOffsetMinutes: 180,
      checkIntervalMs: 20,
      now: () => now,
    });
    scheduler.start();
    try {
      // 23:00 in Moscow on the 31st: that day's step, no birthday yet.
      await expect
        .poll(() => lines().filter((line) => line.msg === "loyalty: daily step done").length)
        .toBe(1);
      expect((await pointsOf(db(), guest)).balanceRow).toBe(0);
      now = new Date("2031-08-31T21:30:00Z"); // 00:30 on 1 September in Moscow
      await expect.poll(async () => (await pointsOf(db(), guest)).balanceRow, { timeout: 10_000 }).toBe(100);
    } finally {
      await scheduler.stop();
    }
    const done = lines().filter((line) => line.msg === "loyalty: daily step done");
    expect(done.map((line) => line.day)).toEqual(["2031-08-31", "2031-09-01"]);
  });
});
