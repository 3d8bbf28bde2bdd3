// The guest-base import, fed CSV files written the way spreadsheets write them (quoted fields with
// commas, quotes and line breaks, CRLF or LF, a BOM, blank and ",,," lines, columns in any order,
// unknown columns, repeated phones, bad records) and checked record by record against what went in.
import { inArray } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "../../test/test-database";
import type { DatabaseConnection } from "../db/client";
import { accounts } from "../db/schema";
import { importGuests } from "./guest-import";

type Column = "phone" | "last_name" | "first_name" | "middle_name" | "gender" | "birthday" | "email" | "note";
type Cells = Record<Column, string>;

interface GoodRecord {
  kind: "good";
  cells: Cells;
  /** E.164, set when the file is written. */
  phone: string;
  phoneFormat: PhoneFormat;
}
interface RepeatRecord {
  kind: "repeat";
  /** Which earlier good record's phone it repeats (modulo how many there are). */
  of: number;
  cells: Cells;
}
interface BadRecord {
  kind: "bad";
  cells: Cells;
  phoneFormat: PhoneFormat;
  fault: "phone" | "no_phone" | "email" | "birthday" | "gender" | "field_count";
}

/** Text as people put it in a guest base: letters of two scripts, and what CSV must quote. */
const cellText = (maxLength: number) =>
  fc
    .string({
      unit: fc.constantFrom("a", "Z", "я", "Ё", " ", ",", '"', "\n", "'", ";", "-", "é", "😀"),
      maxLength,
    })
    .map((text) => text.trim());

/** How a record writes its phone; the number itself is handed out when the file is written. */
type PhoneFormat = "e164" | "digits" | "national" | "spaced";

// Numbers are handed out per file, never reused: the database keeps every earlier run's accounts.
let nextPhone = 1;
function freshPhone(format: PhoneFormat): { phone: string; written: string } {
  const subscriber = String(nextPhone++).padStart(7, "0");
  const phone = `+7917${subscriber}`;
  const written = {
    e164: phone,
    digits: phone.slice(1),
    national: `8917${subscriber}`,
    spaced: `+7 (917) ${subscriber.slice(0, 3)}-${subscriber.slice(3, 5)}-${subscriber.slice(5)}`,
  }[format];
  return { phone, written };
}

const goodRecord = fc
  .record({
    last_name: cellText(30),
    first_name: cellText(30),
    middle_name: cellText(10),
    gender: fc.constantFrom("", "male", "female", "Male", "FEMALE"),
    birthday: fc.constantFrom("", "1990-05-31", "2000-02-29", "1900-01-01"),
    email: fc.constantFrom("", "anna@example.com", "o'neil+card@mail.example.org"),
    note: cellText(20),
    phoneFormat: fc.constantFrom<PhoneFormat>("e164", "digits", "national", "spaced"),
  })
  .map(
    ({ phoneFormat, ...rest }): GoodRecord => ({
      kind: "good",
      phone: "",
      phoneFormat,
      cells: { ...rest, phone: "" },
    }),
  );

const badRecord = fc
  .record({
    base: goodRecord,
    fault: fc.constantFrom("phone", "no_phone", "email", "birthday", "gender", "field_count") as fc.Arbitrary<
      BadRecord["fault"]
    >,
  })
  .map(({ base, fault }): BadRecord => {
    const cells = { ...base.cells };
    if (fault === "phone") cells.phone = "12-34";
    if (fault === "no_phone") cells.phone = "-";
    if (fault === "email") cells.email = "anna(at)example";
    if (fault === "birthday") cells.birthday = "2001-02-30";
    if (fault === "gender") cells.gender = "other";
    return { kind: "bad", cells, fault, phoneFormat: base.phoneFormat };
  });

const repeatRecord = fc
  .record({ of: fc.nat(), base: goodRecord })
  .map(({ of, base }): RepeatRecord => ({ kind: "repeat", of, cells: base.cells }));

const csvFile = fc.record({
  columns: fc
    .shuffledSubarray([
      "last_name",
      "first_name",
      "middle_name",
      "gender",
      "birthday",
      "email",
      "note",
    ] as Column[])
    .chain((others) =>
      fc.shuffledSubarray(["phone", ...others] as Column[], { minLength: others.length + 1 }),
    ),
  records: fc.array(fc.oneof({ weight: 4, arbitrary: goodRecord }, badRecord, repeatRecord), {
    maxLength: 14,
  }),
  lineBreak: fc.constantFrom("\n", "\r\n"),
  bom: fc.boolean(),
  shoutedHeader: fc.boolean(),
  // Before which records a blank line or a ",,," line appears (spreadsheets leave both behind).
  blankBefore: fc.array(fc.nat({ max: 14 })),
  emptyRowBefore: fc.array(fc.nat({ max: 14 })),
  quoteEverything: fc.boolean(),
});

/** One CSV field, quoted when it must be (or always, as some spreadsheets do). */
function field(value: string, quoteEverything: boolean): string {
  return quoteEverything || /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

describe("guest-base CSV import (property)", () => {
  let database: DatabaseConnection;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.close());

  it("imports every good record with its fields as written, reports every bad one at the line where it starts", async () => {
    await fc.assert(
      fc.asyncProperty(csvFile, async (file) => {
        // The physical line the next record starts on: the header is line 1, and a field with line
        // breaks in it makes its record span several lines.
        let line = 2;
        const header = file.columns.map((column) =>
          file.shoutedHeader ? ` ${column.toUpperCase()} ` : column,
        );
        let text = (file.bom ? "\ufeff" : "") + header.join(",") + file.lineBreak;
        const goods: GoodRecord[] = [];
        const expectedErrors: number[] = [];
        let expectedSkipped = 0;
        const physicalLines = (written: string) => written.split("\n").length - 1;

        file.records.forEach((record, index) => {
          if (file.blankBefore.includes(index)) {
            text += file.lineBreak;
            line += 1;
          }
          if (file.emptyRowBefore.includes(index) && file.columns.length > 1) {
            text += ",".repeat(file.columns.length - 1) + file.lineBreak;
            line += 1;
          }
          let cells = record.cells;
          let phone = "";
          if (record.kind !== "repeat" && (record.kind === "good" || record.cells.phone === "")) {
            const fresh = freshPhone(record.phoneFormat);
            phone = fresh.phone;
            cells = { ...cells, phone: fresh.written };
          }
          if (record.kind === "bad" && record.fault === "no_phone") cells = { ...cells, phone: "" };
          if (record.kind === "repeat") {
            const original = goods[record.of % Math.max(1, goods.length)];
            if (!original) return; // nothing to repeat yet
            cells = { ...cells, phone: original.phone };
            expectedSkipped += 1;
          }
          const values = file.columns.map((column) => field(cells[column], file.quoteEverything));
          if (record.kind === "bad" && record.fault === "field_count") values.push("surplus");
          const row = values.join(",") + file.lineBreak;
          const faultShows =
            record.kind === "bad" &&
            (record.fault === "field_count" ||
              record.fault === "phone" ||
              record.fault === "no_phone" ||
              file.columns.includes(record.fault));
          // A good-looking row of empty cells only is a blank spreadsheet row: skipped, not reported.
          const allEmpty =
            file.columns.every((column) => cells[column].trim() === "") &&
            !(record.kind === "bad" && record.fault === "field_count");
          if (allEmpty) {
            // Only a record without its phone, and nothing else in the file's columns, gets here.
          } else if (record.kind === "good") goods.push({ ...record, cells, phone });
          else if (record.kind === "bad" && faultShows) expectedErrors.push(line);
          else if (record.kind === "bad")
            goods.push({ kind: "good", cells, phone, phoneFormat: record.phoneFormat });
          text += row;
          line += physicalLines(row);
        });

        const result = await importGuests(database.db, Buffer.from(text, "utf8"));
        const context = `CSV:\n${text}\nresult: ${JSON.stringify(result)}`;
        expect(
          result.errors.map((error) => error.line),
          context,
        ).toEqual(expectedErrors);
        for (const error of result.errors)
          expect(error.message, context).toMatch(/^(\d+ fields|phone|email|birthday|gender)/);
        expect(result.created, context).toBe(goods.length);
        expect(result.skipped, context).toBe(expectedSkipped);

        if (goods.length === 0) return;
        const stored = await database.db
          .select()
          .from(accounts)
          .where(
            inArray(
              accounts.phone,
              goods.map((good) => good.phone),
            ),
          );
        const byPhone = new Map(stored.map((account) => [account.phone, account]));
        for (const good of goods) {
          const account = byPhone.get(good.phone);
          const has = (column: Column) => file.columns.includes(column);
          const given = (column: Column) =>
            has(column) && good.cells[column] !== "" ? good.cells[column] : null;
          // Names are kept on one line: a wrapped cell's line breaks fold into a space.
          const name = (column: Column) => given(column)?.replace(/[\p{Cc}\s]+/gu, " ") ?? null;
          expect(account, context).toMatchObject({
            lastName: name("last_name") ?? "",
            firstName: name("first_name") ?? "",
            middleName: name("middle_name"),
            gender: given("gender")?.toLowerCase() ?? null,
            birthday: given("birthday"),
            email: given("email"),
            origin: "import",
          });
        }
      }),
      { numRuns: 40 },
    );
  }, 120_000);
});
