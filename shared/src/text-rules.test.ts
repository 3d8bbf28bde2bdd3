import { describe, expect, it } from "vitest";
import { issuesToFields } from "./field-errors";
import { cleanMultiLineText, multiLineText, nameText } from "./text-rules";

const name = nameText({ required: true, maxLength: 100 });
const text = multiLineText({ required: true, maxLength: 4000 });

/** The field error code a value gets, or "ok" with the value as it would be stored. */
function check(schema: typeof name, value: string) {
  const result = schema.safeParse(value);
  return result.success ? { ok: result.data } : issuesToFields(result.error.issues).body;
}

describe("the free-text rule", () => {
  it.each([
    ["a NUL", "An\u0000na", "control_characters"],
    ["a bell", "An\u0007na", "control_characters"],
    ["DEL", "An\u007Fna", "control_characters"],
    ["a C1 control (NEL)", "An\u0085na", "control_characters"],
    ["a line break inside", "Anna\nPhone: +7000", "control_characters"],
    ["a tab inside", "An\tna", "control_characters"],
    ["a zero-width space alone", "\u200B", "control_characters"],
    ["a zero-width joiner", "An\u200Dna", "control_characters"],
    ["a right-to-left override", "\u202EanitraM", "control_characters"],
    ["a left-to-right isolate", "\u2066Anna\u2069", "control_characters"],
    ["a line separator", "An\u2028na", "control_characters"],
    ["a soft hyphen", "An\u00ADna", "control_characters"],
    ["a lone high surrogate", "An\ud800na", "invalid_characters"],
    ["a lone low surrogate", "\udc00", "invalid_characters"],
    ["spaces only", "   ", "required"],
  ])("refuses %s in a name", (_case, value, code) => {
    expect(check(name, value)).toMatchObject({ code });
  });

  it("keeps names people have: accents, apostrophes, hyphens, other scripts, emoji", () => {
    for (const value of ["Анна-Мария", "O'Brien", "Zoë", "李小龍", "محمد", "Anna 🌸"]) {
      expect(check(name, value)).toEqual({ ok: value });
    }
  });

  it("stores names and texts in NFC, so one name typed two ways is one name", () => {
    expect(check(name, "Jose\u0301")).toEqual({ ok: "Jos\u00e9" });
    expect(check(text, "cafe\u0301\n")).toEqual({ ok: "caf\u00e9" });
  });

  it("lets a multi-line text keep its line breaks and tabs, and emoji made with joiners", () => {
    const review = "Great soup.\r\n\tThe bread too.\nFamily: 👨\u200D👩\u200D👧";
    expect(check(text, review)).toEqual({ ok: review });
  });

  it.each([
    ["a NUL", "good\u0000food"],
    ["an escape", "\u001B[31mred"],
    ["a lone surrogate", "good \ud83d food"],
  ])("refuses %s in a multi-line text", (_case, value) => {
    expect(check(text, value)).toMatchObject({
      code: value.includes("\ud83d") ? "invalid_characters" : "control_characters",
    });
  });

  it("cleans a text nobody can be asked to fix: refused characters become U+FFFD", () => {
    expect(cleanMultiLineText("a\u0000b\ud800c\nd\u0301")).toBe("a\uFFFDb\uFFFDc\nd\u0301".normalize("NFC"));
  });
});
