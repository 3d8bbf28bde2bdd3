// Issue 16, item 5: text the database cannot store (a NUL, a lone surrogate) answered 500 with
// PostgreSQL errors 22021/22P05, and hidden characters in names did harm (U+200B passed for a first
// name, U+202E travelled into the managers' chat link). Every free-text endpoint now refuses them
// with 422 and a field code (shared/src/text-rules.ts), and nothing reaches the database.
import type { ErrorEnvelope, FieldErrorCode, Settings } from "@guestcard/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestContext, expectStatus, guest, type TestContext } from "../test/test-app";
import { accounts, reviewReplies, reviews, sources } from "./db/schema";
import { acceptVerifiedPhone } from "./guests/guests";
import { recordReviewMessage, storeManagerReply } from "./reviews/conversation";

/** What no text field accepts, and the code each gets. */
const refusedEverywhere: [string, string, FieldErrorCode][] = [
  ["a NUL", "Bad\u0000Text", "control_characters"],
  ["a bell", "Bad\u0007Text", "control_characters"],
  ["an escape sequence", "\u001B[31mBad", "control_characters"],
  ["a lone high surrogate", "Bad\ud800Text", "invalid_characters"],
  ["a lone low surrogate", "\udc00", "invalid_characters"],
];

/** What a name (one line of visible characters) refuses besides. */
const refusedInNames: [string, string, FieldErrorCode][] = [
  ...refusedEverywhere,
  ["a zero-width space for a name", "\u200B", "control_characters"],
  ["a zero-width space inside", "Ann\u200Ba", "control_characters"],
  ["a right-to-left override", "\u202Eanna", "control_characters"],
  ["a bidi isolate", "\u2067Anna\u2069", "control_characters"],
  ["a line break", "Anna\nPhone: +70000000000", "control_characters"],
  ["a line separator", "Anna\u2028Phone", "control_characters"],
];

const manager = guest(9_950, "Manager");
let nextGuestId = 9_960;

describe("free text that the database cannot store, or that hides characters, is refused with 422", () => {
  let context: TestContext;

  beforeAll(async () => {
    context = await createTestContext({ ADMIN_TELEGRAM_IDS: String(manager.id) }, { demo: true });
  });
  afterAll(() => context.close());

  const db = () => context.database.db;

  async function guestWithPhone() {
    const user = guest(nextGuestId++, "Anna");
    await acceptVerifiedPhone(
      db(),
      { ...user, lastName: user.lastName ?? null, username: null, languageCode: "en" },
      `+7999${String(user.id).padStart(7, "0")}`,
    );
    return user;
  }

  /** A 422 validation_failed naming the field by code; a 500 or anything else fails with the whole body. */
  async function expectRefused(response: Response, field: string, code: FieldErrorCode) {
    const body = await expectStatus<ErrorEnvelope>(response, 422);
    expect(body.error.code).toBe("validation_failed");
    expect(body.error.fieldErrors?.[field], JSON.stringify(body.error)).toEqual({ code });
    expect(body.error.fields?.[field]).toEqual(expect.any(String));
  }

  describe("registration names", () => {
    const form = { lastName: "Ivanova", firstName: "Anna", consents: { personalData: true } };

    for (const field of ["lastName", "firstName", "middleName"] as const) {
      it.each(refusedInNames)(`refuses %s in ${field}`, async (_case, value, code) => {
        const anna = await guestWithPhone();
        const response = await context.request("/api/registration", {
          as: anna,
          json: { ...form, [field]: value },
        });
        await expectRefused(response, field, code);
        expect(await db().select().from(accounts)).toHaveLength(0);
      });
    }

    it("accepts a clean name and stores it in NFC", async () => {
      const jose = await guestWithPhone();
      await expectStatus(
        await context.request("/api/registration", {
          as: jose,
          json: { ...form, firstName: "Jose\u0301", lastName: "  Garci\u0301a " },
        }),
        201,
      );
      const [stored] = await db().select().from(accounts);
      expect(stored).toMatchObject({ firstName: "Jos\u00e9", lastName: "Garc\u00eda" });
      await db().delete(accounts);
    });
  });

  describe("review text", () => {
    it.each(refusedEverywhere)("refuses %s", async (_case, value, code) => {
      const anna = await guestWithPhone();
      await expectRefused(
        await context.request("/api/reviews", { as: anna, json: { text: value } }),
        "text",
        code,
      );
      expect(await db().select().from(reviews)).toHaveLength(0);
    });

    it("keeps line breaks, tabs and emoji joiners: a review has several lines", async () => {
      const anna = await guestWithPhone();
      const text = "Soup: great.\n\tBread: too.\r\nUs: 👨\u200D👩\u200D👧";
      await expectStatus(await context.request("/api/reviews", { as: anna, json: { text } }), 202);
      const [stored] = await db().select().from(reviews);
      expect(stored?.text).toBe(text);
      await db().delete(reviews);
    });
  });

  describe("manager texts: source names and the restaurant name", () => {
    it.each(refusedInNames)("refuses %s in a new source's name", async (_case, name, code) => {
      const before = await db().select().from(sources);
      await expectRefused(
        await context.request("/api/manager/sources", { as: manager, json: { name } }),
        "name",
        code,
      );
      expect(await db().select().from(sources)).toEqual(before);
    });

    it.each(refusedInNames)("refuses %s in a source's new name", async (_case, name, code) => {
      const [source] = await db().select().from(sources);
      await expectRefused(
        await context.request(`/api/manager/sources/${source?.id}`, {
          as: manager,
          method: "PATCH",
          json: { name },
        }),
        "name",
        code,
      );
      const [after] = await db().select().from(sources);
      expect(after?.name).toBe(source?.name);
    });

    it.each(refusedInNames)("refuses %s in the restaurant's name", async (_case, restaurantName, code) => {
      const settings = () => context.request("/api/manager/settings", { as: manager });
      const before = await expectStatus<Settings>(await settings(), 200);
      await expectRefused(
        await context.request("/api/manager/settings", {
          as: manager,
          method: "PUT",
          json: { restaurantName },
        }),
        "restaurantName",
        code,
      );
      expect(await expectStatus<Settings>(await settings(), 200)).toEqual(before);
    });

    it("accepts clean names, in NFC", async () => {
      const { source } = await expectStatus<{ source: { name: string } }>(
        await context.request("/api/manager/sources", { as: manager, json: { name: "Cafe\u0301 tents" } }),
        201,
      );
      expect(source.name).toBe("Caf\u00e9 tents");
      const saved = await expectStatus<Settings>(
        await context.request("/api/manager/settings", {
          as: manager,
          method: "PUT",
          json: { restaurantName: "Osteria Nuova" },
        }),
        200,
      );
      expect(saved.restaurantName).toBe("Osteria Nuova");
    });
  });

  describe("replies", () => {
    async function storedReview() {
      const anna = await guestWithPhone();
      const { id } = await expectStatus<{ id: string }>(
        await context.request("/api/reviews", { as: anna, json: { text: "Lovely" } }),
        202,
      );
      return id;
    }

    it.each([
      ["a NUL", "Thanks\u0000!"],
      ["a bell", "Thanks\u0007!"],
    ])("the demo managers' chat refuses a reply with %s and stores nothing", async (_case, text) => {
      const reviewId = await storedReview();
      const response = await context.request(`/demo/managers-chat/${reviewId}/reply`, {
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ text }).toString(),
      });
      expect(response.status, await response.text()).toBe(422);
      expect(await db().select().from(reviewReplies)).toHaveLength(0);
    });

    it("a reply through Telegram is not ours to refuse: what the database cannot store becomes U+FFFD", async () => {
      const reviewId = await storedReview();
      await recordReviewMessage(db(), { chatId: -100_42, messageId: 7, reviewId, kind: "review" });
      const outcome = await storeManagerReply(db(), {
        chatId: -100_42,
        messageId: 8,
        replyToMessageId: 7,
        authorTelegramId: manager.id,
        text: "Thank you\u0000 for coming\ud800!\nSee you",
      });
      expect(outcome).toBe("stored");
      const [reply] = await db().select().from(reviewReplies);
      expect(reply?.text).toBe("Thank you\uFFFD for coming\uFFFD!\nSee you");
    });
  });
});
