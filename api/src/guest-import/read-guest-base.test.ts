// How the reader takes a spreadsheet's file apart: encoding, delimiter, header names, dates, gender.
import { guestImportColumnOf } from "@guestcard/shared";
import { describe, expect, it } from "vitest";
import { decode, detectDelimiter, readDate, readGender, readGuestBase } from "./read-guest-base";

describe("reading a guest base", () => {
  it("detects the encoding from the bytes, whatever the request says", () => {
    const russian = "Телефон;Фамилия\r\n";
    const cp1251 = Uint8Array.from([0xd2, 0xe5, 0xeb, 0xe5, 0xf4, 0xee, 0xed]); // "Телефон"
    expect(decode(cp1251)).toEqual({ text: "Телефон", encoding: "windows-1251" });
    expect(decode(Buffer.from(russian))).toEqual({ text: russian, encoding: "utf-8" });
    expect(decode(Buffer.from(`\uFEFF${russian}`))).toEqual({ text: russian, encoding: "utf-8" });
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(russian, "utf16le")]);
    expect(decode(utf16)).toEqual({ text: russian, encoding: "utf-16le" });
  });

  it("takes the delimiter the header row uses most, outside quotes", () => {
    expect(detectDelimiter("Телефон;Фамилия;Имя\n+7;a,b;c")).toBe(";");
    expect(detectDelimiter("phone,last_name\n")).toBe(",");
    expect(detectDelimiter("phone\tlast_name\tfirst_name\r\n")).toBe("\t");
    expect(detectDelimiter('"Фамилия, имя";Телефон\n')).toBe(";");
    expect(detectDelimiter("phone\n+79210000001;x;y")).toBe(",");
  });

  it("knows the columns by their Russian and English names, in any case and spacing", () => {
    for (const [header, column] of [
      ["Телефон", "phone"],
      [" ТЕЛ. ", "phone"],
      ["Мобильный телефон", "phone"],
      ["Phone Number", "phone"],
      ["Фамилия", "last_name"],
      ["LAST_NAME", "last_name"],
      ["Имя", "first_name"],
      ["Отчество", "middle_name"],
      ["Пол", "gender"],
      ["Дата  рождения", "birthday"],
      ["дата_рождения", "birthday"],
      ["E-mail", "email"],
      ["Эл. почта", "email"],
    ] as const) {
      expect([header, guestImportColumnOf(header)]).toEqual([header, column]);
    }
    expect(guestImportColumnOf("Номер карты")).toBeUndefined();
  });

  it("reads DD.MM.YYYY as Excel writes it, and leaves anything else for the rules", () => {
    expect(readDate("14.05.1980")).toBe("1980-05-14");
    expect(readDate("4.5.1980")).toBe("1980-05-04");
    expect(readDate(" 14.05.1980 0:00:00 ")).toBe("1980-05-14");
    expect(readDate("1980-05-14")).toBe("1980-05-14");
    expect(readDate("31.02.1985")).toBe("1985-02-31"); // the rules then say "not a date"
    expect(readDate("05/14/1980")).toBe("05/14/1980");
  });

  it("reads gender as м/ж, муж./жен., m/f, male/female", () => {
    expect(["м", "М", "муж.", "мужской", "m", "M", "male", "Male"].map(readGender)).toEqual(
      Array(8).fill("male"),
    );
    expect(["ж", "Ж", "жен", "женский", "f", "F", "female"].map(readGender)).toEqual(Array(7).fill("female"));
    expect(readGender("")).toBeNull();
    expect(readGender("другое")).toBe("другое");
  });

  it("counts every bad line but keeps only the first ones, and refuses a file over the record cap", async () => {
    const bad = `phone\n${"1\n".repeat(30)}`;
    const base = await readGuestBase(Buffer.from(bad), { maxRecords: 100, maxErrors: 5 });
    expect([base.errors.length, base.errorCount, base.records]).toEqual([5, 30, 30]);
    await expect(readGuestBase(Buffer.from(bad), { maxRecords: 29, maxErrors: 5 })).rejects.toMatchObject({
      code: "validation_failed",
      fields: { file: { code: "too_many_records", params: { max: 29 } } },
    });
  });
});
