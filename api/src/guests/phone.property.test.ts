import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { maskPhone, normalizePhone, readablePhone } from "./phone";

/** Russian mobile numbers written the ways people type them (as in the restaurant's guest base). */
const typedRussianMobile = fc
  .tuple(
    fc.integer({ min: 900, max: 999 }),
    fc.integer({ min: 0, max: 9_999_999 }),
    fc.constantFrom("+7", "8", "7", "+7 ", "8 (", "7-"),
  )
  .map(([code, rest, prefix]) => {
    const digits = String(rest).padStart(7, "0");
    const body = `${code}) ${digits.slice(0, 3)}-${digits.slice(3, 5)}-${digits.slice(5)}`;
    return { typed: `${prefix}${prefix.endsWith("(") ? "" : "("}${body}`, e164: `+7${code}${digits}` };
  });

describe("normalizePhone (properties)", () => {
  it("never throws, and answers E.164 or null", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (input) => {
        const result = normalizePhone(input);
        expect(result === null || /^\+[1-9]\d{6,14}$/.test(result)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it("is idempotent: a normalised phone normalises to itself", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 30 }),
          typedRussianMobile.map((phone) => phone.typed),
        ),
        (input) => {
          const once = normalizePhone(input);
          if (once !== null) expect(normalizePhone(once)).toBe(once);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("reads every way people type a Russian mobile number", () => {
    fc.assert(
      fc.property(typedRussianMobile, ({ typed, e164 }) => {
        expect(normalizePhone(typed)).toBe(e164);
      }),
      { numRuns: 1000 },
    );
  });

  it("reads Telegram's contacts, which come with or without a plus", () => {
    expect(normalizePhone("79095339392")).toBe("+79095339392");
    expect(normalizePhone("+79095339392")).toBe("+79095339392");
    expect(normalizePhone("447911123456")).toBe("+447911123456");
  });

  it("masks all but the country code and the last four digits", () => {
    fc.assert(
      fc.property(typedRussianMobile, ({ e164 }) => {
        const masked = maskPhone(e164);
        expect(masked).toBe(`+7 *** ***-${e164.slice(-4, -2)}-${e164.slice(-2)}`);
        expect(masked.replace(/\D/g, "")).toHaveLength(5);
      }),
      { numRuns: 200 },
    );
  });

  it("writes phones for reading, in groups, and what it writes reads back as the same number", () => {
    expect(readablePhone("+79215550102")).toBe("+7 921 555-01-02");
    expect(readablePhone("+447911123456")).toBe("+44 7911 123456");
    fc.assert(
      fc.property(typedRussianMobile, ({ e164 }) => {
        const readable = readablePhone(e164);
        expect(readable).toMatch(/^\+7 \d{3} \d{3}-\d{2}-\d{2}$/);
        expect(normalizePhone(readable)).toBe(e164);
      }),
      { numRuns: 200 },
    );
  });
});
