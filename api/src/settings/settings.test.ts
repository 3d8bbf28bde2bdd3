import type { ErrorEnvelope, Settings } from "@guestcard/shared";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestContext, expectStatus, guest, type TestContext } from "../../test/test-app";
import { acceptVerifiedPhone } from "../guests/guests";
import { readSettings } from "./settings";

const manager = guest(9_700, "Manager");
const cardHolder = guest(9_701, "Holder");

describe("manager settings", () => {
  let context: TestContext;

  // A context per test: each starts from the environment's settings, whatever the others saved.
  beforeEach(async () => {
    context = await createTestContext({
      ADMIN_TELEGRAM_IDS: String(manager.id),
      CARD_TTL_SECONDS: "300",
      MINI_APP_SHORT_NAME: "loyalty",
      RESTAURANT_NAME: "Trattoria",
    });
    await acceptVerifiedPhone(
      context.database.db,
      { id: cardHolder.id, firstName: "Holder", lastName: null, username: null, languageCode: "en" },
      "+79990009701",
    );
    await expectStatus(
      await context.request("/api/registration", {
        as: cardHolder,
        json: { lastName: "Card", firstName: "Holder", consents: { personalData: true } },
      }),
      201,
    );
  });
  afterEach(() => context.close());

  const put = (json: unknown) =>
    context.request("/api/manager/settings", { as: manager, method: "PUT", json });
  const issueCard = async () =>
    expectStatus<{ ttlSeconds: number; issuedAt: string; expiresAt: string }>(
      await context.request("/api/card", { as: cardHolder, method: "POST" }),
      201,
    );

  it("starts from the environment's defaults", async () => {
    const settings = await expectStatus<Settings>(
      await context.request("/api/manager/settings", { as: manager }),
      200,
    );
    expect(settings).toEqual({
      cardTtlSeconds: 300,
      miniAppShortName: "loyalty",
      restaurantName: "Trattoria",
      birthdayGreeting: false,
    });
  });

  it("turns the birthday greeting on and off (off by default)", async () => {
    expect((await expectStatus<Settings>(await put({ birthdayGreeting: true }), 200)).birthdayGreeting).toBe(
      true,
    );
    expect((await readSettings(context.database.db, context.config)).birthdayGreeting).toBe(true);
    expect((await expectStatus<Settings>(await put({ birthdayGreeting: false }), 200)).birthdayGreeting).toBe(
      false,
    );
  });

  it("changes the lifetime of the next card issued", async () => {
    expect((await issueCard()).ttlSeconds).toBe(300);
    const saved = await expectStatus<Settings>(await put({ cardTtlSeconds: 45 }), 200);
    expect(saved.cardTtlSeconds).toBe(45);
    const card = await issueCard();
    expect(card.ttlSeconds).toBe(45);
    expect(Date.parse(card.expiresAt) - Date.parse(card.issuedAt)).toBe(45_000);
  });

  it("saves only what is given and keeps the rest", async () => {
    await expectStatus(await put({ cardTtlSeconds: 600 }), 200);
    const saved = await expectStatus<Settings>(await put({ restaurantName: "  Osteria Nuova " }), 200);
    expect(saved).toEqual({
      cardTtlSeconds: 600,
      miniAppShortName: "loyalty",
      restaurantName: "Osteria Nuova",
      birthdayGreeting: false,
    });
    // What the bot reads for its texts, straight from the database.
    expect((await readSettings(context.database.db, context.config)).restaurantName).toBe("Osteria Nuova");
  });

  it.each([
    ["a lifetime of 0", { cardTtlSeconds: 0 }, "cardTtlSeconds"],
    ["a lifetime of 29 seconds", { cardTtlSeconds: 29 }, "cardTtlSeconds"],
    ["a lifetime of 10 days", { cardTtlSeconds: 10 * 86_400 }, "cardTtlSeconds"],
    ["a fractional lifetime", { cardTtlSeconds: 60.5 }, "cardTtlSeconds"],
    ["a lifetime as text", { cardTtlSeconds: "300" }, "cardTtlSeconds"],
    ["a short name with a space", { miniAppShortName: "my app" }, "miniAppShortName"],
    ["a short name of two letters", { miniAppShortName: "ab" }, "miniAppShortName"],
    ["an empty restaurant name", { restaurantName: "  " }, "restaurantName"],
    ["a restaurant name over 100 characters", { restaurantName: "R".repeat(101) }, "restaurantName"],
    ["a birthday greeting as text", { birthdayGreeting: "yes" }, "birthdayGreeting"],
  ])("answers 422 for %s and changes nothing", async (_case, json, field) => {
    const before = await readSettings(context.database.db, context.config);
    const body = await expectStatus<ErrorEnvelope>(await put(json), 422);
    expect(body.error.code).toBe("validation_failed");
    expect(Object.keys(body.error.fields ?? {})).toEqual([field]);
    expect(Object.keys(body.error.fieldErrors ?? {})).toEqual([field]);
    expect(await readSettings(context.database.db, context.config)).toEqual(before);
  });

  it.each([0, 29, 86_401, 60.5, "300"])(
    "names an out-of-range lifetime (%s) by one code with its range, for the screen to say in its language",
    async (cardTtlSeconds) => {
      const body = await expectStatus<ErrorEnvelope>(await put({ cardTtlSeconds }), 422);
      expect(body.error.fieldErrors).toEqual({
        cardTtlSeconds: { code: "lifetime_out_of_range", params: { min: 30, max: 86_400 } },
      });
    },
  );

  it("accepts the edges of the lifetime range: 30 seconds and 24 hours", async () => {
    expect((await expectStatus<Settings>(await put({ cardTtlSeconds: 30 }), 200)).cardTtlSeconds).toBe(30);
    expect((await expectStatus<Settings>(await put({ cardTtlSeconds: 86_400 }), 200)).cardTtlSeconds).toBe(
      86_400,
    );
  });
});
