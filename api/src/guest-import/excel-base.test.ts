// The base a restaurant actually has (issue 15 item 1): a Russian Excel "CSV" in Windows-1251 with `;`,
// Russian headers, DD.MM.YYYY and м/ж; the preview that writes nothing; the template; the caps.
import { readFileSync } from "node:fs";
import type { ErrorEnvelope, GuestImportPreview, GuestImportResponse } from "@guestcard/shared";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestContext, expectStatus, guest, type TestContext } from "../../test/test-app";
import { accounts, guestImportRuns } from "../db/schema";

const manager = guest(9_700, "Manager", "ru");
/** 300 guests, then a line with no phone (302), an impossible date (303), a quoted `;` (304), an empty line. */
const excelBase = readFileSync(new URL("./fixtures/guests-excel-ru.csv", import.meta.url));

describe("importing a Russian Excel guest base", () => {
  let context: TestContext;

  beforeAll(async () => {
    context = await createTestContext({ ADMIN_TELEGRAM_IDS: String(manager.id) });
  });
  afterAll(async () => {
    await context.close();
  });
  beforeEach(async () => {
    await context.database.db.delete(accounts);
    await context.database.db.delete(guestImportRuns);
  });

  const post = (path: string, body: string | Uint8Array, contentType = "text/csv") =>
    context.request(`/api/manager/accounts/${path}`, {
      as: manager,
      body,
      headers: { "content-type": contentType },
    });
  const importCsv = async (body: string | Uint8Array, contentType?: string) =>
    expectStatus<GuestImportResponse>(await post("import", body, contentType), 200);
  const preview = async (body: string | Uint8Array) =>
    expectStatus<GuestImportPreview>(await post("import/preview", body), 200);
  const account = async (phone: string) =>
    (await context.database.db.select().from(accounts).where(eq(accounts.phone, phone)))[0];
  const accountCount = async () =>
    (await context.database.db.select({ id: accounts.id }).from(accounts)).length;

  it("imports the Windows-1251 file with `;` and Russian headers, reporting the broken lines by number", async () => {
    const result = await importCsv(excelBase, "text/csv; charset=utf-8");
    expect(result).toEqual({
      created: 301,
      skipped: 0,
      errorCount: 2,
      errors: [
        {
          line: 302,
          message: "phone: not a phone number",
          code: "invalid_fields",
          fieldErrors: { phone: { code: "not_a_phone" } },
        },
        {
          line: 303,
          message: "birthday: not a date (YYYY-MM-DD)",
          code: "invalid_fields",
          fieldErrors: { birthday: { code: "not_a_date" } },
        },
      ],
    });
    expect(await account("+79163000031")).toMatchObject({
      lastName: "Иванова",
      firstName: "Дарья",
      middleName: "Олеговна",
      gender: "female",
      birthday: "1955-02-07",
      email: null,
      origin: "import",
    });
    expect(await account("+79163000188")).toMatchObject({
      gender: "male",
      email: "kirill.volkov52@example.com",
    });
    // The quoted surname keeps its `;`.
    expect((await account("+79169990002"))?.lastName).toBe("Иванова; урожд. Петрова");
    // The run is recorded, done, and no longer keeps the file.
    const [run] = await context.database.db.select().from(guestImportRuns);
    expect(run).toMatchObject({
      status: "done",
      file: null,
      accountsTotal: 301,
      accountsDone: 301,
      created: 301,
    });
    // Again: everything is already there.
    expect(await importCsv(excelBase)).toMatchObject({ created: 0, skipped: 301, errorCount: 2 });
  });

  it("previews the Windows-1251 file: mapping, first rows as they will be stored, counts, and writes nothing", async () => {
    await importCsv("Телефон;Имя\n+7 916 300-00-31;Уже есть\n");
    const before = await accountCount();
    const result = await preview(excelBase);
    expect(result).toMatchObject({
      encoding: "windows-1251",
      delimiter: ";",
      records: 303,
      create: 300,
      skip: 1,
      errorCount: 2,
    });
    expect(result.columns).toEqual([
      { header: "Телефон", column: "phone" },
      { header: "Фамилия", column: "last_name" },
      { header: "Имя", column: "first_name" },
      { header: "Отчество", column: "middle_name" },
      { header: "Пол", column: "gender" },
      { header: "Дата рождения", column: "birthday" },
      { header: "Email", column: "email" },
    ]);
    expect(result.rows).toHaveLength(10);
    expect(result.rows[0]).toEqual({
      line: 2,
      phone: "+79163000031",
      last_name: "Иванова",
      first_name: "Дарья",
      middle_name: "Олеговна",
      gender: "female",
      birthday: "1955-02-07",
      email: null,
    });
    expect(result.errors.map((error) => error.line)).toEqual([302, 303]);
    expect(await accountCount()).toBe(before);
    expect(await context.database.db.select().from(guestImportRuns)).toHaveLength(1); // the first import's only
  });

  it("reads UTF-8 with a BOM and `;`, headers in any case and spacing, and ignores what it does not know", async () => {
    const csv =
      "\uFEFF ТЕЛЕФОН ;фамилия;ИМЯ;Карта;E-mail;дата  рождения\r\n8 916 111-22-33;Ёлкина;Анна;777;anna@example.com;1990-05-14\r\n";
    const result = await preview(csv);
    expect(result).toMatchObject({ encoding: "utf-8", delimiter: ";", create: 1 });
    expect(result.columns.map((column) => column.column)).toEqual([
      "phone",
      "last_name",
      "first_name",
      null,
      "email",
      "birthday",
    ]);
    expect(await importCsv(csv)).toEqual({ created: 1, skipped: 0, errors: [], errorCount: 0 });
    expect(await account("+79161112233")).toMatchObject({ lastName: "Ёлкина", email: "anna@example.com" });
  });

  it("reads a tab-separated file, and UTF-16 with a BOM as Excel saves “Unicode text”", async () => {
    const tsv = "phone\tlast_name\tfirst_name\tgender\n+79161110001\tTab\tSeparated\tf\n";
    expect(await importCsv(tsv, "text/tab-separated-values")).toMatchObject({ created: 1, errorCount: 0 });
    expect(await account("+79161110001")).toMatchObject({ lastName: "Tab", gender: "female" });
    const utf16 = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from("Телефон\tФамилия\r\n+79161110002\tЮникодова\r\n", "utf16le"),
    ]);
    expect((await preview(utf16)).encoding).toBe("utf-16le");
    expect(await importCsv(utf16)).toMatchObject({ created: 1, errorCount: 0 });
    expect((await account("+79161110002"))?.lastName).toBe("Юникодова");
  });

  it("takes dates as DD.MM.YYYY or YYYY-MM-DD in one file, and gender as м/ж/m/f/male/female", async () => {
    const csv = [
      "phone,birthday,gender",
      "+79161110011,14.05.1980,м",
      "+79161110012,1980-05-14,Ж",
      "+79161110013,4.5.1980,M",
      "+79161110014,14.05.1980 0:00:00,female",
      "+79161110015,31.02.1985,муж.",
      "+79161110016,05/14/1980,x",
    ].join("\r\n");
    const result = await importCsv(csv);
    expect(result.created).toBe(4);
    expect(result.errors.map(({ line, fieldErrors }) => [line, Object.keys(fieldErrors ?? {})])).toEqual([
      [6, ["birthday"]],
      [7, ["gender", "birthday"]],
    ]);
    const stored = await context.database.db
      .select({ phone: accounts.phone, birthday: accounts.birthday, gender: accounts.gender })
      .from(accounts)
      .orderBy(accounts.phone);
    expect(stored).toEqual([
      { phone: "+79161110011", birthday: "1980-05-14", gender: "male" },
      { phone: "+79161110012", birthday: "1980-05-14", gender: "female" },
      { phone: "+79161110013", birthday: "1980-05-04", gender: "male" },
      { phone: "+79161110014", birthday: "1980-05-14", gender: "female" },
    ]);
  });

  it("lists the first 1,000 bad lines and counts them all", async () => {
    const bad = Array.from({ length: 1500 }, (_, index) => `+7916222${String(index).padStart(4, "0")},x@`);
    const csv = `phone,email\n${bad.join("\n")}\n+79162229999,ok@example.com\n`;
    const result = await importCsv(csv);
    expect(result.created).toBe(1);
    expect(result.errorCount).toBe(1500);
    expect(result.errors).toHaveLength(1000);
    expect(result.errors.at(-1)?.line).toBe(1001);
    const previewed = await preview(csv);
    expect([previewed.errors.length, previewed.errorCount]).toEqual([1000, 1500]);
  });

  it("refuses a file of more than 200,000 records whole (422), quickly, writing nothing", async () => {
    // issue 16 item 6: `phone` and 300,000 lines of `1` took 11.5 s and a 16 MB answer of errors.
    const body = await expectStatus<ErrorEnvelope>(
      await post("import", `phone\n${"1\n".repeat(300_000)}`),
      422,
    );
    expect(body.error.fieldErrors).toEqual({ file: { code: "too_many_records", params: { max: 200_000 } } });
    expect(body.error.fields).toEqual({
      file: "more than 200000 records: split the file and import the parts",
    });
    expect(await accountCount()).toBe(0);
    expect(await context.database.db.select().from(guestImportRuns)).toHaveLength(0);
  }, 60_000);

  it("hands out the template in the manager's language, and the template imports", async () => {
    const ru = await context.request("/api/manager/accounts/import/template", { as: manager });
    expect(ru.status).toBe(200);
    expect(ru.headers.get("content-disposition")).toContain("guestcard-guests-ru.csv");
    const ruText = new TextDecoder("utf-8", { ignoreBOM: true }).decode(await ru.arrayBuffer());
    expect(ruText).toBe("\uFEFFТелефон;Фамилия;Имя;Отчество;Пол;Дата рождения;Email\r\n");
    const en = await context.request("/api/manager/accounts/import/template?language=en", { as: manager });
    const enText = await en.text();
    expect(enText).toBe("phone,last_name,first_name,middle_name,gender,birthday,email\r\n");
    expect(await importCsv(`${ruText}+7 916 333-00-01;Шаблонова;Вера;;ж;01.02.1990;\r\n`)).toEqual({
      created: 1,
      skipped: 0,
      errors: [],
      errorCount: 0,
    });
  });
});
