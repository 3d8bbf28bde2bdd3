import { readFileSync } from "node:fs";
import type { ErrorEnvelope, GuestImportResponse } from "@guestcard/shared";
import { eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeBotApi, startFakeBotApi } from "../../test/fake-bot-api";
import {
  contactUpdate,
  deliver,
  startUpdate,
  telegramUser,
  webhookEnvironment,
} from "../../test/telegram-updates";
import { createTestContext, expectStatus, guest, type TestContext } from "../../test/test-app";
import { accounts } from "../db/schema";
import { acceptVerifiedPhone } from "../guests/guests";

const manager = guest(9_800, "Manager");
const guestBase = readFileSync(new URL("../demo/guests-1000.csv", import.meta.url));

describe("POST /api/manager/accounts/import", () => {
  let fake: FakeBotApi;
  let context: TestContext;

  beforeAll(async () => {
    fake = await startFakeBotApi();
    context = await createTestContext(
      webhookEnvironment(fake.apiRoot, { ADMIN_TELEGRAM_IDS: String(manager.id) }),
    );
  });
  afterAll(async () => {
    await context.close();
    await fake.close();
  });
  beforeEach(async () => {
    await context.database.db.delete(accounts);
  });

  const upload = (body: string | Uint8Array, contentType = "text/csv; charset=utf-8") =>
    context.request("/api/manager/accounts/import", {
      as: manager,
      body,
      headers: { "content-type": contentType },
    });
  const importCsv = async (body: string | Uint8Array) =>
    expectStatus<GuestImportResponse>(await upload(body), 200);
  const phones = async () =>
    (await context.database.db.select({ phone: accounts.phone }).from(accounts))
      .map((row) => row.phone)
      .sort();

  it("imports the 1,000-guest base, normalising every way the phones are written", async () => {
    expect(await importCsv(guestBase)).toEqual({ created: 1000, skipped: 0, errors: [], errorCount: 0 });
    const [daria] = await context.database.db
      .select()
      .from(accounts)
      .where(eq(accounts.phone, "+79211921609"));
    expect(daria).toMatchObject({
      lastName: "Иванова",
      firstName: "Дарья",
      middleName: "Олеговна",
      gender: "female",
      birthday: "1955-02-07",
      email: null,
      origin: "import",
    });
    for (const phone of await phones()) expect(phone).toMatch(/^\+\d{10,15}$/);
    // Importing the same file again changes nothing.
    expect(await importCsv(guestBase)).toEqual({ created: 0, skipped: 1000, errors: [], errorCount: 0 });
  });

  it("reports a bad phone by its line and imports the good lines", async () => {
    const csv = [
      "phone,last_name,first_name",
      "+79210000001,One,Guest",
      "+79210000002,Two,Guest",
      "+79210000003,Three,Guest",
      "+79210000004,Four,Guest",
      "+79210000005,Five,Guest",
      "12345,Seven,Bad",
      "+79210000008,Eight,Guest",
    ].join("\n");
    const result = await importCsv(csv);
    expect(result).toEqual({
      created: 6,
      skipped: 0,
      errors: [
        {
          line: 7,
          message: "phone: not a phone number",
          code: "invalid_fields",
          fieldErrors: { phone: { code: "not_a_phone" } },
        },
      ],
      errorCount: 1,
    });
    expect(await phones()).not.toContain("+12345");
  });

  it("reads a UTF-8 BOM, Windows line endings, quoted commas and quoted line breaks, and counts physical lines", async () => {
    const csv =
      "\uFEFFphone,last_name,first_name,middle_name,email\r\n" +
      '"+7 (921) 000-00-11","Smith, Jr.",John,,john@example.com\r\n' +
      "\r\n" +
      '+79210000012,"Multi\r\nline",Anna,,\r\n' +
      "+79210000013,Bad,Email,,not-an-email\r\n" +
      '+79210000014,"Quote ""the"" name",Olga,,\r\n';
    const result = await importCsv(csv);
    expect(result).toEqual({
      created: 3,
      skipped: 0,
      errors: [
        {
          line: 6,
          message: "email: not an e-mail address",
          code: "invalid_fields",
          fieldErrors: { email: { code: "not_an_email" } },
        },
      ],
      errorCount: 1,
    });
    const rows = await context.database.db.select().from(accounts);
    expect(rows.find((row) => row.phone === "+79210000011")?.lastName).toBe("Smith, Jr.");
    // A wrapped cell becomes one line: a name heads a review in the managers' chat.
    expect(rows.find((row) => row.phone === "+79210000012")?.lastName).toBe("Multi line");
    expect(rows.find((row) => row.phone === "+79210000014")?.lastName).toBe('Quote "the" name');
  });

  it("validates every field like the registration form, one error line per bad record", async () => {
    const future = new Date(Date.now() + 5 * 86_400_000).toISOString().slice(0, 10);
    const csv = [
      "phone,last_name,first_name,middle_name,gender,birthday,email",
      "+79210000021,Ok,Guest,,male,1990-01-31,ok@example.com",
      "+79210000022,Ok,Guest,,other,,",
      "+79210000023,Ok,Guest,,,1899-12-31,",
      `+79210000024,Ok,Guest,,,${future},`,
      "+79210000025,Ok,Guest,,,2001-02-30,",
      `+79210000026,${"L".repeat(101)},Guest,,,,`,
      ",No,Phone,,,,",
      "not a phone,Bad,Everything,,robot,1800-01-01,x@",
      "+79210000029,Ok,Guest,,FEMALE,,",
    ].join("\n");
    const result = await importCsv(csv);
    expect(result.created).toBe(2);
    const lineError = (line: number, message: string, fieldErrors: Record<string, unknown>) => ({
      line,
      message,
      code: "invalid_fields",
      fieldErrors,
    });
    const maleOrFemale = { code: "not_one_of", params: { options: "male, female" } };
    expect(result.errors).toEqual([
      lineError(3, "gender: male or female", { gender: maleOrFemale }),
      lineError(4, "birthday: before 1900", { birthday: { code: "before_1900" } }),
      lineError(5, "birthday: in the future", { birthday: { code: "in_the_future" } }),
      lineError(6, "birthday: not a date (YYYY-MM-DD)", { birthday: { code: "not_a_date" } }),
      lineError(7, "last_name: too long (100 characters at most)", {
        last_name: { code: "too_long", params: { max: 100 } },
      }),
      lineError(8, "phone: required", { phone: { code: "required" } }),
      lineError(
        9,
        "phone: not a phone number; gender: male or female; birthday: before 1900; email: not an e-mail address",
        {
          phone: { code: "not_a_phone" },
          gender: maleOrFemale,
          birthday: { code: "before_1900" },
          email: { code: "not_an_email" },
        },
      ),
    ]);
    expect(await phones()).toEqual(["+79210000021", "+79210000029"]);
  });

  it("skips a phone that already has an account, never overwriting what the guest entered", async () => {
    const user = { id: 9_801, firstName: "Real", lastName: null, username: null, languageCode: "en" };
    await acceptVerifiedPhone(context.database.db, user, "+79210000031");
    await expectStatus(
      await context.request("/api/registration", {
        as: guest(9_801),
        json: { lastName: "Entered", firstName: "ByGuest", consents: { personalData: true } },
      }),
      201,
    );
    const result = await importCsv(
      "phone,last_name,first_name\n89210000031,Imported,Name\n+79210000032,New,Guest\n",
    );
    expect(result).toEqual({ created: 1, skipped: 1, errors: [], errorCount: 0 });
    const [kept] = await context.database.db
      .select()
      .from(accounts)
      .where(eq(accounts.phone, "+79210000031"));
    expect(kept).toMatchObject({ lastName: "Entered", firstName: "ByGuest", origin: "registration" });
  });

  it("imports a phone repeated in the file once, however it is written", async () => {
    const csv = "phone,first_name\n+79210000041,First\n8 921 000-00-41,Second\n79210000041,Third\n";
    expect(await importCsv(csv)).toEqual({ created: 1, skipped: 2, errors: [], errorCount: 0 });
    const [row] = await context.database.db.select().from(accounts).where(eq(accounts.phone, "+79210000041"));
    expect(row?.firstName).toBe("First");
  });

  it("imports a repeat whose first occurrence was bad", async () => {
    const csv = "phone,email\n+79210000042,broken@\n+79210000042,fine@example.com\n";
    expect(await importCsv(csv)).toEqual({
      created: 1,
      skipped: 0,
      errors: [
        {
          line: 2,
          message: "email: not an e-mail address",
          code: "invalid_fields",
          fieldErrors: { email: { code: "not_an_email" } },
        },
      ],
      errorCount: 1,
    });
  });

  it("ignores unknown columns and accepts columns in any order and case", async () => {
    const csv = "Card_Number,EMAIL,Phone,Notes\n777,a@example.com,+79210000051,VIP\n";
    expect(await importCsv(csv)).toEqual({ created: 1, skipped: 0, errors: [], errorCount: 0 });
    const [row] = await context.database.db.select().from(accounts).where(eq(accounts.phone, "+79210000051"));
    expect(row).toMatchObject({ email: "a@example.com", lastName: "", firstName: "" });
  });

  it("reports a line with a wrong number of fields, and a quote never closed", async () => {
    const csv = [
      "phone,last_name,first_name",
      "+79210000061,Ok,Guest",
      "+79210000062,Too,Many,Fields",
      "+79210000063,Ok,Guest",
      '+79210000064,"Never closed,Guest',
      "+79210000065,Swallowed,Guest",
    ].join("\n");
    const result = await importCsv(csv);
    expect(result.created).toBe(2);
    expect(result.errors).toEqual([
      {
        line: 3,
        message: "4 fields, but the header names 3",
        code: "wrong_field_count",
        params: { fields: 4, expected: 3 },
      },
      {
        line: 5,
        message: "a quote is never closed; this line and the rest of the file were not imported",
        code: "unclosed_quote",
      },
    ]);
    expect(await phones()).toEqual(["+79210000061", "+79210000063"]);
  });

  it("skips blank lines and rows of empty cells without calling them errors", async () => {
    expect(await importCsv("phone,first_name\n\n+79210000071,A\n,\n\n+79210000072,B\n")).toEqual({
      created: 2,
      skipped: 0,
      errors: [],
      errorCount: 0,
    });
  });

  it("answers 422 for a file without a phone column, and for an empty file", async () => {
    for (const csv of ["last_name,first_name\nSmith,John\n", "", "\uFEFF"]) {
      const body = await expectStatus<ErrorEnvelope>(await upload(csv), 422);
      expect(body.error.code).toBe("validation_failed");
      expect(body.error.fields).toEqual({ phone: "the header has no phone column" });
      expect(body.error.fieldErrors).toEqual({
        phone: { code: "column_missing", params: { column: "phone" } },
      });
    }
    expect(await phones()).toEqual([]);
  });

  it("answers 413 for a 30 MB file and imports nothing", async () => {
    const row = "+79210000081,Big,File\n";
    const huge = `phone,last_name,first_name\n${row.repeat(Math.ceil((30 * 1024 * 1024) / row.length))}`;
    const body = await expectStatus<ErrorEnvelope>(await upload(huge), 413);
    expect(body.error.code).toBe("payload_too_large");
    expect(await phones()).toEqual([]);
  });

  it("accepts a file of just under 20 MB", async () => {
    // Two guests with long notes (an unknown column) make the size without 250,000 records to parse.
    const notes = "n".repeat(10 * 1024 * 1024 - 100);
    const csv = `phone,notes,first_name\n+79210000082,${notes},A\n+79210000083,${notes},B\n`;
    expect(Buffer.byteLength(csv)).toBeGreaterThan(19.9 * 1024 * 1024);
    expect(Buffer.byteLength(csv)).toBeLessThanOrEqual(20 * 1024 * 1024);
    expect(await importCsv(csv)).toEqual({ created: 2, skipped: 0, errors: [], errorCount: 0 });
  }, 60_000);

  it("answers 415 for a body that is not CSV", async () => {
    const body = await expectStatus<ErrorEnvelope>(
      await upload('{"phone":"+79210000091"}', "application/json"),
      415,
    );
    expect(body.error.code).toBe("unsupported_media_type");
  });

  it("makes an imported guest a known guest: the bot links them and they see their imported name", async () => {
    await importCsv("phone,last_name,first_name,middle_name\n+7 921 000-00-95,Kuznetsova,Elena,Petrovna\n");
    const user = telegramUser(9_895);
    await deliver(context, startUpdate(user));
    await deliver(context, contactUpdate(user, "79210000095"));
    const me = await expectStatus<{ status: string; account: Record<string, unknown> }>(
      await context.request("/api/me", { as: guest(9_895) }),
      200,
    );
    expect(me.status).toBe("registered");
    expect(me.account).toMatchObject({ lastName: "Kuznetsova", firstName: "Elena", middleName: "Petrovna" });
  });

  it("links a guest who shared the phone before the import on their next /api/me", async () => {
    const user = telegramUser(9_896);
    await deliver(context, startUpdate(user));
    await deliver(context, contactUpdate(user, "+79210000096"));
    const before = await expectStatus<{ status: string }>(
      await context.request("/api/me", { as: guest(9_896) }),
      200,
    );
    expect(before.status).toBe("needs_registration");
    await importCsv("phone,last_name,first_name\n+79210000096,Later,Imported\n");
    const after = await expectStatus<{ status: string; account: { lastName: string } }>(
      await context.request("/api/me", { as: guest(9_896) }),
      200,
    );
    expect([after.status, after.account.lastName]).toEqual(["registered", "Later"]);
  });

  it("writes batches whole: the rows of every batch, not part of one", async () => {
    // 2,500 rows = three batches; each created row must be complete.
    const rows = Array.from(
      { length: 2500 },
      (_, index) => `+7921${String(2_000_000 + index)},Last${index},First${index}`,
    );
    const result = await importCsv(`phone,last_name,first_name\n${rows.join("\n")}\n`);
    expect(result).toEqual({ created: 2500, skipped: 0, errors: [], errorCount: 0 });
    const sample = await context.database.db
      .select()
      .from(accounts)
      .where(inArray(accounts.phone, ["+79212000000", "+79212001234", "+79212002499"]));
    expect(sample.map((row) => row.lastName).sort()).toEqual(["Last0", "Last1234", "Last2499"]);
  });
});
