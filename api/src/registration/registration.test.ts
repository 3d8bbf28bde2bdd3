import { consentTextVersion, type ErrorEnvelope, type FieldError } from "@guestcard/shared";
import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestContext, expectStatus, guest, type TestContext } from "../../test/test-app";
import { accounts, consents, telegramUsers } from "../db/schema";
import { acceptVerifiedPhone } from "../guests/guests";

const anna = guest(7001, "Anna", "ru");
const boris = guest(7002, "Boris");

const validForm = {
  lastName: "Smirnova",
  firstName: "Anna",
  middleName: "Olegovna",
  gender: "female",
  birthday: "1990-05-31",
  email: "anna@example.com",
  consents: { personalData: true, marketing: true },
};

describe("POST /api/registration", () => {
  let context: TestContext;
  beforeEach(async () => {
    context = await createTestContext();
  });
  afterEach(() => context.close());

  /** What the bot does when the guest shares their own contact. */
  const sharePhone = (user: typeof anna, phone: string) =>
    acceptVerifiedPhone(
      context.database.db,
      { ...user, lastName: user.lastName ?? null, username: null, languageCode: user.languageCode ?? null },
      phone,
    );
  const register = (as: typeof anna, json: unknown) => context.request("/api/registration", { as, json });

  it("creates the account under the phone shared with the bot, never one from the body", async () => {
    await sharePhone(anna, "+79095339392");
    const created = await expectStatus<{ account: Record<string, unknown> }>(
      await register(anna, { ...validForm, phone: "+70000000000" }),
      201,
    );
    expect(created.account).toMatchObject({
      lastName: "Smirnova",
      firstName: "Anna",
      middleName: "Olegovna",
      gender: "female",
      birthday: "1990-05-31",
      email: "anna@example.com",
      phone: "+79095339392",
    });

    const me = await expectStatus<{ status: string; account: { id: string } }>(
      await context.request("/api/me", { as: anna }),
      200,
    );
    expect(me.status).toBe("registered");
    expect(me.account.id).toBe(created.account.id);
  });

  it("records both consents with their time and the version and language of the text shown", async () => {
    await sharePhone(anna, "+79095339392");
    const before = Date.now();
    await expectStatus(await register(anna, { ...validForm, consents: { personalData: true } }), 201);
    const rows = await context.database.db.select().from(consents);
    expect(rows.map((row) => [row.kind, row.granted, row.textVersion]).sort()).toEqual([
      ["marketing", false, `${consentTextVersion}/ru`],
      ["personal_data", true, `${consentTextVersion}/ru`],
    ]);
    for (const row of rows) expect(row.recordedAt.getTime()).toBeGreaterThanOrEqual(before - 1000);
  });

  it("treats omitted, null and empty optional fields as not given", async () => {
    await sharePhone(boris, "+447700900123");
    const created = await expectStatus<{ account: Record<string, unknown> }>(
      await register(boris, {
        lastName: "  Brown ",
        firstName: "Boris",
        middleName: "",
        gender: null,
        birthday: "",
        consents: { personalData: true },
      }),
      201,
    );
    expect(created.account).toMatchObject({
      lastName: "Brown",
      middleName: null,
      gender: null,
      birthday: null,
      email: null,
    });
  });

  it("answers 409 phone_required before the phone is shared", async () => {
    const body = await expectStatus<ErrorEnvelope>(await register(anna, validForm), 409);
    expect(body.error.code).toBe("phone_required");
  });

  const tomorrowPlusOne = new Date(Date.now() + 3 * 24 * 3600_000).toISOString().slice(0, 10);
  const badForms: [string, Record<string, unknown>, string, string, FieldError][] = [
    ["an empty surname", { lastName: "" }, "lastName", "required", { code: "required" }],
    ["a blank first name", { firstName: "   " }, "firstName", "required", { code: "required" }],
    [
      "a 10 kB name",
      { firstName: "Я".repeat(10_000) },
      "firstName",
      "too long (100 characters at most)",
      { code: "too_long", params: { max: 100 } },
    ],
    [
      "a middle name over 100 characters",
      { middleName: "x".repeat(101) },
      "middleName",
      "too long (100 characters at most)",
      { code: "too_long", params: { max: 100 } },
    ],
    [
      "a surname with a line break that would fake a line in the managers' chat",
      { lastName: "Smith\nPhone: +70000000000" },
      "lastName",
      "control or invisible characters are not allowed",
      { code: "control_characters" },
    ],
    [
      "a birthday in the future",
      { birthday: tomorrowPlusOne },
      "birthday",
      "in the future",
      { code: "in_the_future" },
    ],
    [
      "a birthday before 1900",
      { birthday: "1899-12-31" },
      "birthday",
      "before 1900",
      { code: "before_1900" },
    ],
    [
      "a birthday that is not a date",
      { birthday: "2001-02-30" },
      "birthday",
      "not a date (YYYY-MM-DD)",
      { code: "not_a_date" },
    ],
    ["a bad e-mail", { email: "anna@" }, "email", "not an e-mail address", { code: "not_an_email" }],
    [
      "an unknown gender",
      { gender: "other" },
      "gender",
      "male or female",
      { code: "not_one_of", params: { options: "male, female" } },
    ],
    [
      "personal data consent not given",
      { consents: { personalData: false, marketing: true } },
      "consents.personalData",
      "consent to personal data processing is required",
      { code: "consent_required" },
    ],
    [
      "no consents at all",
      { consents: undefined },
      "consents",
      "consent to personal data processing is required",
      { code: "consent_required" },
    ],
  ];

  it.each(badForms)(
    "answers 422 with a field error for %s, and creates nothing",
    async (_name, change, field, message, fieldError) => {
      await sharePhone(anna, "+79095339392");
      const body = await expectStatus<ErrorEnvelope>(await register(anna, { ...validForm, ...change }), 422);
      expect(body.error.code).toBe("validation_failed");
      expect(body.error.fields?.[field], JSON.stringify(body.error.fields)).toBe(message);
      expect(body.error.fieldErrors?.[field], JSON.stringify(body.error.fieldErrors)).toEqual(fieldError);
      expect(Object.keys(body.error.fieldErrors ?? {})).toEqual(Object.keys(body.error.fields ?? {}));
      expect(await context.database.db.select().from(accounts)).toHaveLength(0);
    },
  );

  it("creates one account when the form is submitted twice at once (a double tap)", async () => {
    await sharePhone(anna, "+79095339392");
    const responses = await Promise.all([
      register(anna, validForm),
      register(anna, validForm),
      register(anna, validForm),
    ]);
    const statuses = responses.map((response) => response.status).sort();
    expect(statuses).toEqual([201, 409, 409]);
    for (const response of responses.filter((each) => each.status === 409)) {
      expect(((await response.json()) as ErrorEnvelope).error.code).toBe("already_registered");
    }
    expect(await context.database.db.select().from(accounts)).toHaveLength(1);
  });

  it("answers 409 already_registered to a registered guest", async () => {
    await sharePhone(anna, "+79095339392");
    await expectStatus(await register(anna, validForm), 201);
    const body = await expectStatus<ErrorEnvelope>(
      await register(anna, { ...validForm, firstName: "Other" }),
      409,
    );
    expect(body.error.code).toBe("already_registered");
  });

  it("answers 409 phone_conflict when the phone's account belongs to another Telegram user", async () => {
    await sharePhone(anna, "+79095339392");
    await expectStatus(await register(anna, validForm), 201);
    await sharePhone(boris, "+79095339392");
    const body = await expectStatus<ErrorEnvelope>(
      await register(boris, { ...validForm, firstName: "Boris" }),
      409,
    );
    expect(body.error.code).toBe("phone_conflict");
    const [annaRow] = await context.database.db
      .select()
      .from(telegramUsers)
      .where(eq(telegramUsers.id, anna.id));
    expect(annaRow?.accountId, "the account must stay with its owner").not.toBeNull();
  });

  it("links a known guest whose account appeared after the phone was shared, instead of a duplicate", async () => {
    await sharePhone(anna, "+79095339392");
    const [imported] = await context.database.db
      .insert(accounts)
      .values({ phone: "+79095339392", lastName: "Smirnova", firstName: "Anna", origin: "import" })
      .returning();
    const body = await expectStatus<ErrorEnvelope>(await register(anna, validForm), 409);
    expect(body.error.code).toBe("already_registered");
    const [row] = await context.database.db.select().from(telegramUsers).where(eq(telegramUsers.id, anna.id));
    expect(row?.accountId).toBe(imported?.id);
    expect(await context.database.db.select().from(accounts)).toHaveLength(1);
  });

  it("answers 400 to malformed JSON and 413 to a body over 64 KiB", async () => {
    await sharePhone(anna, "+79095339392");
    const malformed = await context.request("/api/registration", {
      as: anna,
      body: "{ not json",
      headers: { "content-type": "application/json" },
    });
    expect((await expectStatus<ErrorEnvelope>(malformed, 400)).error.code).toBe("bad_request");
    const huge = await register(anna, { ...validForm, firstName: "x".repeat(70 * 1024) });
    expect((await expectStatus<ErrorEnvelope>(huge, 413)).error.code).toBe("payload_too_large");
  });
});
