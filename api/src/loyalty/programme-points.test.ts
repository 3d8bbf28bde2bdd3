import { registrationRequestSchema, type TelegramUser } from "@guestcard/shared";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, testDatabaseKind } from "../../test/test-database";
import { registerGuests } from "../card/card-test-fixtures";
import type { DatabaseConnection } from "../db/client";
import { accounts, loyaltyMovements } from "../db/schema";
import { acceptVerifiedPhone, resolveGuest } from "../guests/guests";
import { registerGuest } from "../registration/registration";
import { updateLoyaltyProgramme } from "../settings/settings";
import { adjustPoints } from "./adjustments";
import { brokenRunningBalance, pointsOf } from "./loyalty-test-kit";
import {
  creditBirthdayPoints,
  creditWelcomePoints,
  lapseIdlePoints,
  runDailyLoyaltyStep,
} from "./programme-points";

describe(`points the programme gives and takes (${testDatabaseKind})`, () => {
  let database: DatabaseConnection;
  const db = () => database.db;
  const movementsOf = (accountId: string, kind: (typeof loyaltyMovements.kind.enumValues)[number]) =>
    db()
      .select()
      .from(loyaltyMovements)
      .where(and(eq(loyaltyMovements.accountId, accountId), eq(loyaltyMovements.kind, kind)));
  const telegramUser = (id: number): TelegramUser => ({
    id,
    firstName: "Guest",
    lastName: null,
    username: null,
    languageCode: "en",
  });

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.close());

  describe("welcome points", () => {
    beforeAll(() => updateLoyaltyProgramme(db(), { welcomePoints: 50 }));
    afterAll(() => updateLoyaltyProgramme(db(), { welcomePoints: 0 }));

    it("credits them once when a guest registers, in the registration's transaction", async () => {
      const user = telegramUser(75_001);
      await acceptVerifiedPhone(db(), user, "+79160075001");
      const account = await registerGuest(
        db(),
        user,
        registrationRequestSchema.parse({
          lastName: "New",
          firstName: "Guest",
          consents: { personalData: true },
        }),
      );
      const welcome = await movementsOf(account.id, "welcome");
      expect(
        welcome.map(({ points, balanceAfter, occasion }) => ({ points, balanceAfter, occasion })),
      ).toEqual([{ points: 50, balanceAfter: 50, occasion: "welcome" }]);
      await expect(
        registerGuest(
          db(),
          user,
          registrationRequestSchema.parse({
            lastName: "New",
            firstName: "Guest",
            consents: { personalData: true },
          }),
        ),
      ).rejects.toMatchObject({ code: "already_registered" });
      expect(await pointsOf(db(), account.id)).toMatchObject({ balanceRow: 50, ledgerSum: 50, movements: 1 });
    });

    it("credits an imported guest once, when they are linked — however many lookups race to link them", async () => {
      const [imported] = await db()
        .insert(accounts)
        .values({ phone: "+79160075002", lastName: "Known", firstName: "Guest", origin: "import" })
        .returning({ id: accounts.id });
      expect(await pointsOf(db(), imported!.id), "no points before joining").toMatchObject({ movements: 0 });
      const user = telegramUser(75_002);
      await acceptVerifiedPhone(db(), user, "+79160075002");
      await Promise.all(Array.from({ length: 5 }, () => resolveGuest(db(), user.id)));
      expect(await movementsOf(imported!.id, "welcome")).toHaveLength(1);
      expect(await pointsOf(db(), imported!.id)).toMatchObject({ balanceRow: 50, ledgerSum: 50 });
    });

    it("never credits an account twice, even called again or at once", async () => {
      const [guest] = await registerGuests(db(), 1, { firstTelegramId: 75_003 });
      const outcomes = await Promise.all(
        Array.from({ length: 6 }, () => creditWelcomePoints(db(), guest!.accountId)),
      );
      expect(outcomes.filter((outcome) => outcome.outcome === "posted")).toHaveLength(1);
      expect(outcomes.filter((outcome) => outcome.outcome === "duplicate")).toHaveLength(5);
      expect(await pointsOf(db(), guest!.accountId)).toMatchObject({
        balanceRow: 50,
        ledgerSum: 50,
        movements: 1,
      });
    });

    it("gives nothing while the programme's welcome points are 0", async () => {
      await updateLoyaltyProgramme(db(), { welcomePoints: 0 });
      try {
        const [guest] = await registerGuests(db(), 1, { firstTelegramId: 75_004 });
        expect(await creditWelcomePoints(db(), guest!.accountId)).toEqual({ outcome: "off" });
        expect(await pointsOf(db(), guest!.accountId)).toMatchObject({ movements: 0, balanceRow: 0 });
      } finally {
        await updateLoyaltyProgramme(db(), { welcomePoints: 50 });
      }
    });
  });

  describe("birthday points", () => {
    beforeAll(() => updateLoyaltyProgramme(db(), { birthdayPoints: 100 }));
    afterAll(() => updateLoyaltyProgramme(db(), { birthdayPoints: 0 }));

    it("credits each guest once a year on the birthday, even when the step runs twice at once", async () => {
      const guests = await registerGuests(db(), 3, { firstTelegramId: 75_100 });
      const birthdayOf = (index: number) => ["1985-07-14", "1990-07-14", "1990-07-15"][index]!;
      for (const [index, guest] of guests.entries()) {
        await db()
          .update(accounts)
          .set({ birthday: birthdayOf(index) })
          .where(eq(accounts.id, guest.accountId));
      }
      const [first, second] = await Promise.all([
        creditBirthdayPoints(db(), "2031-07-14"),
        creditBirthdayPoints(db(), "2031-07-14"),
      ]);
      expect(first! + second!, "two guests were born on 14 July").toBe(2);
      expect(await creditBirthdayPoints(db(), "2031-07-14"), "a restart the same day").toBe(0);
      for (const [index, guest] of guests.entries()) {
        const credited = await movementsOf(guest.accountId, "birthday");
        expect(
          credited.map((movement) => [movement.points, movement.occasion]),
          birthdayOf(index),
        ).toEqual(index < 2 ? [[100, "2031"]] : []);
      }
      expect(await creditBirthdayPoints(db(), "2031-07-15")).toBe(1);
      expect(await creditBirthdayPoints(db(), "2032-07-14"), "next year, again").toBe(2);
      for (const guest of guests) {
        const view = await pointsOf(db(), guest.accountId);
        expect(view.balanceRow).toBe(view.ledgerSum);
        expect(await brokenRunningBalance(db(), guest.accountId)).toBeNull();
      }
    });

    it("celebrates 29 February on the 28th in other years, and only on the 29th in leap years", async () => {
      const [leapling] = await registerGuests(db(), 1, { firstTelegramId: 75_200 });
      await db().update(accounts).set({ birthday: "2000-02-29" }).where(eq(accounts.id, leapling!.accountId));
      const creditedOn = async (day: string) => {
        await creditBirthdayPoints(db(), day);
        return (await movementsOf(leapling!.accountId, "birthday")).map((movement) => movement.occasion);
      };
      expect(await creditedOn("2033-02-28")).toEqual(["2033"]);
      expect(await creditedOn("2036-02-28")).toEqual(["2033"]);
      expect(await creditedOn("2036-02-29")).toEqual(["2033", "2036"]);
    });

    it("skips guests the bot cannot reach (imported, never linked)", async () => {
      const [imported] = await db()
        .insert(accounts)
        .values({
          phone: "+79160075300",
          lastName: "Known",
          firstName: "Guest",
          origin: "import",
          birthday: "1970-09-09",
        })
        .returning({ id: accounts.id });
      expect(await creditBirthdayPoints(db(), "2031-09-09")).toBe(0);
      expect(await movementsOf(imported!.id, "birthday")).toEqual([]);
    });
  });

  describe("lapsing points", () => {
    afterAll(() => updateLoyaltyProgramme(db(), { lapseAfterDays: null }));

    const idleFor = async (accountId: string, days: number) => {
      await db().execute(
        sql`update loyalty_balances set last_visit_at = now() - make_interval(days => ${days}) where account_id = ${accountId}::uuid`,
      );
    };

    it("is off by default, and then writes expire movements for guests idle too long — never deleting", async () => {
      const [idle, recent, inDebt] = await registerGuests(db(), 3, { firstTelegramId: 75_400 });
      for (const guest of [idle!, recent!, inDebt!]) {
        await adjustPoints(db(), {
          accountId: guest.accountId,
          points: 80,
          reason: "test",
          managerTelegramId: 1,
        });
      }
      // A negative balance has nothing to lapse.
      await db().execute(
        sql`update loyalty_balances set balance = -5 where account_id = ${inDebt!.accountId}::uuid`,
      );
      await db().execute(
        sql`update loyalty_movements set points = -5, balance_after = -5 where account_id = ${inDebt!.accountId}::uuid`,
      );
      await idleFor(idle!.accountId, 200);
      await idleFor(inDebt!.accountId, 200);
      await idleFor(recent!.accountId, 10);

      expect(await lapseIdlePoints(db()), "off by default").toBe(0);
      await updateLoyaltyProgramme(db(), { lapseAfterDays: 180 });
      const runs = await Promise.all([lapseIdlePoints(db()), lapseIdlePoints(db())]);
      expect(runs[0]! + runs[1]!, "two runs at once lapse the idle guest once").toBe(1);

      const expired = await movementsOf(idle!.accountId, "expire");
      expect(expired.map(({ points, balanceAfter }) => ({ points, balanceAfter }))).toEqual([
        { points: -80, balanceAfter: 0 },
      ]);
      expect(await pointsOf(db(), idle!.accountId)).toMatchObject({
        balanceRow: 0,
        ledgerSum: 0,
        movements: 2,
      });
      expect(await pointsOf(db(), recent!.accountId)).toMatchObject({ balanceRow: 80 });
      expect(await pointsOf(db(), inDebt!.accountId)).toMatchObject({ balanceRow: -5 });
      expect(await lapseIdlePoints(db()), "nothing left to lapse").toBe(0);
    });

    it("walks every balance in batches, however small", async () => {
      await updateLoyaltyProgramme(db(), { lapseAfterDays: 90 });
      const guests = await registerGuests(db(), 5, { firstTelegramId: 75_450 });
      for (const guest of guests) {
        await adjustPoints(db(), {
          accountId: guest.accountId,
          points: 7,
          reason: "test",
          managerTelegramId: 1,
        });
        await idleFor(guest.accountId, 100);
      }
      expect(await lapseIdlePoints(db(), { batchSize: 2 })).toBe(5);
      for (const guest of guests)
        expect(await pointsOf(db(), guest.accountId)).toMatchObject({ balanceRow: 0, ledgerSum: 0 });
    });

    it("runs birthdays and lapses as one idempotent daily step", async () => {
      await updateLoyaltyProgramme(db(), { lapseAfterDays: 30, birthdayPoints: 10 });
      try {
        const [guest] = await registerGuests(db(), 1, { firstTelegramId: 75_500 });
        await db().update(accounts).set({ birthday: "1999-12-01" }).where(eq(accounts.id, guest!.accountId));
        await adjustPoints(db(), {
          accountId: guest!.accountId,
          points: 40,
          reason: "test",
          managerTelegramId: 1,
        });
        await idleFor(guest!.accountId, 45);
        expect(await runDailyLoyaltyStep(db(), "2031-12-01")).toEqual({ birthdays: 1, lapsed: 1 });
        expect(await runDailyLoyaltyStep(db(), "2031-12-01")).toEqual({ birthdays: 0, lapsed: 0 });
      } finally {
        await updateLoyaltyProgramme(db(), { birthdayPoints: 0 });
      }
    });
  });

  describe("a manager's adjustment", () => {
    it("is a movement naming the manager and the reason; it never takes the balance below zero", async () => {
      const [guest] = await registerGuests(db(), 1, { firstTelegramId: 75_600 });
      expect(
        await adjustPoints(db(), {
          accountId: guest!.accountId,
          points: 30,
          reason: "Compensation",
          managerTelegramId: 4242,
        }),
      ).toEqual({ outcome: "posted", balance: 30 });
      expect(
        await adjustPoints(db(), {
          accountId: guest!.accountId,
          points: -31,
          reason: "Too much",
          managerTelegramId: 4242,
        }),
      ).toEqual({ outcome: "insufficient_points", balance: 30 });
      expect(
        await adjustPoints(db(), {
          accountId: guest!.accountId,
          points: -30,
          reason: "Correction",
          managerTelegramId: 4243,
        }),
      ).toEqual({ outcome: "posted", balance: 0 });
      const rows = await movementsOf(guest!.accountId, "adjust");
      expect(
        rows.map(({ points, managerTelegramId, reason }) => ({ points, managerTelegramId, reason })),
      ).toEqual([
        { points: 30, managerTelegramId: 4242, reason: "Compensation" },
        { points: -30, managerTelegramId: 4243, reason: "Correction" },
      ]);
    });

    it("answers no_account for an unknown or malformed account id", async () => {
      for (const accountId of ["00000000-0000-4000-8000-000000000000", "nope"]) {
        expect(await adjustPoints(db(), { accountId, points: 5, reason: "x", managerTelegramId: 1 })).toEqual(
          {
            outcome: "no_account",
          },
        );
      }
    });

    it("refuses a movement without a cause: the database checks it too", async () => {
      const [guest] = await registerGuests(db(), 1, { firstTelegramId: 75_700 });
      await expect(
        db().execute(
          sql`insert into loyalty_movements (account_id, kind, points, balance_after) values (${guest!.accountId}::uuid, 'adjust', 5, 5)`,
        ),
      ).rejects.toThrow();
      await expect(
        db().execute(
          sql`insert into loyalty_movements (account_id, kind, points, balance_after) values (${guest!.accountId}::uuid, 'earn', 5, 5)`,
        ),
      ).rejects.toThrow();
    });
  });
});
