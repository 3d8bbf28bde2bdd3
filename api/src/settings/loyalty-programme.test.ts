import {
  type LoyaltyProgramme,
  loyaltyProgrammeSchema,
  loyaltyProgrammeUpdateSchema,
  type PurchaseResponse,
} from "@guestcard/shared";
import { sql } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, testDatabaseKind } from "../../test/test-database";
import { ConfigError, parseConfig } from "../config";
import { type DatabaseConnection, selectRows } from "../db/client";
import { settings } from "../db/schema";
import { identifiedGuests, purchase } from "../loyalty/loyalty-test-kit";
import { readLoyaltyProgramme, storeLoyaltyDefaults, updateLoyaltyProgramme } from "./settings";

const contractDefaults: LoyaltyProgramme = {
  tiers: [{ name: "Standard", threshold: 0, earnPercent: 5 }],
  maxRedeemPercent: 30,
  welcomePoints: 0,
  birthdayPoints: 0,
  lapseAfterDays: null,
};

describe("the LOYALTY_* and IDENTIFICATION_TTL_SECONDS variables", () => {
  it("default to docs/api.md's values", () => {
    const config = parseConfig({});
    expect(config.loyalty).toEqual({ earnPercent: 5, maxRedeemPercent: 30, welcomePoints: 0 });
    expect(config.identificationTtlSeconds).toBe(43_200);
  });

  it("are read as whole numbers in range, one clear line per bad one", () => {
    expect(
      parseConfig({
        LOYALTY_EARN_PERCENT: "7",
        LOYALTY_MAX_REDEEM_PERCENT: "100",
        LOYALTY_WELCOME_POINTS: "150",
        IDENTIFICATION_TTL_SECONDS: "600",
      }),
    ).toMatchObject({
      loyalty: { earnPercent: 7, maxRedeemPercent: 100, welcomePoints: 150 },
      identificationTtlSeconds: 600,
    });
    let problems: string[] = [];
    try {
      parseConfig({
        LOYALTY_EARN_PERCENT: "5.5",
        LOYALTY_MAX_REDEEM_PERCENT: "101",
        LOYALTY_WELCOME_POINTS: "-1",
        IDENTIFICATION_TTL_SECONDS: "0",
      });
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems = error.problems;
    }
    expect(problems.map((line) => line.split(":")[0]).sort()).toEqual([
      "IDENTIFICATION_TTL_SECONDS",
      "LOYALTY_EARN_PERCENT",
      "LOYALTY_MAX_REDEEM_PERCENT",
      "LOYALTY_WELCOME_POINTS",
    ]);
  });
});

describe(`the loyalty programme's settings (${testDatabaseKind})`, () => {
  let database: DatabaseConnection;
  const db = () => database.db;
  const clearProgramme = () =>
    db().delete(settings).where(sql`${settings.key} in ('loyalty_programme', 'loyalty_programme_defaults')`);

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.close());

  it("starts from docs/api.md's defaults", async () => {
    await clearProgramme();
    expect(await readLoyaltyProgramme(db())).toEqual(contractDefaults);
  });

  it("takes the environment's defaults, which bills then use, until a manager changes a field", async () => {
    await clearProgramme();
    await storeLoyaltyDefaults(db(), { earnPercent: 7, maxRedeemPercent: 20, welcomePoints: 15 });
    expect(await readLoyaltyProgramme(db())).toEqual({
      ...contractDefaults,
      tiers: [{ name: "Standard", threshold: 0, earnPercent: 7 }],
      maxRedeemPercent: 20,
      welcomePoints: 15,
    });
    const [guest] = await identifiedGuests(db(), 1, { firstTelegramId: 78_000 });
    const bill = await purchase(db(), {
      identificationId: guest!.identificationId,
      checkId: "E-1",
      total: 100_000,
    });
    expect((bill.body as PurchaseResponse).purchase.earned).toBe(70);

    // A manager's field wins; the environment still gives the others, also after a restart with new values.
    await updateLoyaltyProgramme(db(), { maxRedeemPercent: 40 });
    await storeLoyaltyDefaults(db(), { earnPercent: 9, maxRedeemPercent: 10, welcomePoints: 0 });
    expect(await readLoyaltyProgramme(db())).toMatchObject({
      tiers: [{ name: "Standard", threshold: 0, earnPercent: 9 }],
      maxRedeemPercent: 40,
      welcomePoints: 0,
    });
  });

  it("keeps both of two managers' changes to different fields saved at once", async () => {
    await clearProgramme();
    const tiers = [
      { name: "Bronze", threshold: 0, earnPercent: 5 },
      { name: "Silver", threshold: 3_000_000, earnPercent: 7 },
    ];
    await Promise.all([
      updateLoyaltyProgramme(db(), { tiers }),
      updateLoyaltyProgramme(db(), { birthdayPoints: 300 }),
      updateLoyaltyProgramme(db(), { lapseAfterDays: 365 }),
    ]);
    expect(await readLoyaltyProgramme(db())).toEqual({
      ...contractDefaults,
      tiers,
      birthdayPoints: 300,
      lapseAfterDays: 365,
    });
    expect(await updateLoyaltyProgramme(db(), { lapseAfterDays: null })).toMatchObject({
      lapseAfterDays: null,
    });
  });

  it("ignores, field by field, a stored value a manager could not have saved", async () => {
    await clearProgramme();
    await db()
      .insert(settings)
      .values({
        key: "loyalty_programme",
        value: {
          tiers: [{ name: "Gold", threshold: 100, earnPercent: 10 }],
          maxRedeemPercent: 55.5,
          welcomePoints: 25,
          birthdayPoints: "100",
          lapseAfterDays: 7,
          somethingElse: true,
        },
      });
    expect(await readLoyaltyProgramme(db())).toEqual({ ...contractDefaults, welcomePoints: 25 });
  });

  /**
   * The database's check of a stored programme (migration 0006) and the API's schema
   * (shared/src/loyalty.ts) must accept exactly the same values, or a bill and the manager screen
   * would disagree about the programme in force.
   */
  it("accepts in the database exactly what the API's schema accepts as it is", async () => {
    const name = fc.oneof(
      fc.constantFrom(
        ...[
          "Bronze",
          "Silver",
          "Gold",
          "",
          " ",
          " Gold",
          "Gold ",
          "Gold\n",
          "\tGold",
          "Ёлка",
          "x".repeat(40),
          "x".repeat(41),
        ],
        // Unicode spaces JavaScript's trim removes, and C0/C1 control characters.
        ...["Gold\u00a0", "\u2003Gold", "Gold\ufeff", "Go\u0085ld", "Go\u007fld", "Go\u001bld", "Go\u200bld"],
        // Characters beyond U+FFFF: two UTF-16 units, one character for both checks.
        ...["😀".repeat(20), "😀".repeat(21), `${"x".repeat(39)}😀`],
      ),
      fc.string({ maxLength: 45 }),
    );
    const whole = fc.oneof(
      fc.integer({ min: -5, max: 120 }),
      fc.constantFrom(
        0,
        100,
        101,
        1_000_000,
        1_000_001,
        3_650,
        3_651,
        29,
        30,
        Number.MAX_SAFE_INTEGER,
        2 ** 53,
        5.5,
      ),
      fc.constantFrom<unknown>("5", null, true, [], {}),
    );
    const tier = fc.record(
      { name: fc.oneof(name, fc.constant<unknown>(7)), threshold: whole, earnPercent: whole },
      { requiredKeys: ["name", "threshold", "earnPercent"] },
    );
    const ladder = fc.oneof(
      fc.array(tier, { maxLength: 12 }),
      fc
        .array(
          fc.record({
            name,
            threshold: fc.integer({ min: 0, max: 5_000_000 }),
            earnPercent: fc.integer({ min: 0, max: 100 }),
          }),
          {
            minLength: 1,
            maxLength: 4,
          },
        )
        .map((tiers) => tiers.map((each, index) => (index === 0 ? { ...each, threshold: 0 } : each))),
      fc.constantFrom<unknown>(null, "tiers", {}),
    );
    const programme = fc.record(
      {
        tiers: ladder,
        maxRedeemPercent: whole,
        welcomePoints: whole,
        birthdayPoints: whole,
        lapseAfterDays: fc.oneof(whole, fc.constant(null)),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(programme, async (value) => {
        const [row] = await selectRows<{ kept: Record<string, unknown> }>(
          db(),
          sql`select guestcard_loyalty_valid_fields(${JSON.stringify(value)}::jsonb) as kept`,
        );
        const stored = JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
        for (const [field, fieldValue] of Object.entries(stored)) {
          const parsed = loyaltyProgrammeUpdateSchema.safeParse({ [field]: fieldValue });
          const acceptedAsIs =
            parsed.success && JSON.stringify(parsed.data) === JSON.stringify({ [field]: fieldValue });
          expect(field in (row?.kept ?? {}), `${field}: ${JSON.stringify(fieldValue)}`).toBe(acceptedAsIs);
        }
      }),
      { numRuns: testDatabaseKind === "postgresql" ? 400 : 200 },
    );
  });

  it("always reads back a programme the API's schema accepts", async () => {
    await clearProgramme();
    expect(loyaltyProgrammeSchema.safeParse(await readLoyaltyProgramme(db())).success).toBe(true);
  });
});
