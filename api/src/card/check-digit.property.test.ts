import {
  cardCodeLength,
  cardPinLength,
  hasValidDammCheckDigit,
  readCardCode,
  withDammCheckDigit,
} from "@guestcard/shared";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { randomCardIdentifiers } from "./card-identifiers";

const digitString = (min: number, max: number) =>
  fc
    .array(fc.integer({ min: 0, max: 9 }), { minLength: min, maxLength: max })
    .map((digits) => digits.join(""));

describe("Damm check digit", () => {
  it("matches the published example (572 → 5724)", () => {
    expect(withDammCheckDigit("572")).toBe("5724");
    expect(hasValidDammCheckDigit("5724")).toBe(true);
    expect(hasValidDammCheckDigit("5723")).toBe(false);
  });

  it("rejects every single mistyped digit", () => {
    fc.assert(
      fc.property(digitString(5, 17), fc.nat(), fc.integer({ min: 1, max: 9 }), (body, position, shift) => {
        const valid = withDammCheckDigit(body);
        const index = position % valid.length;
        const wrong =
          valid.slice(0, index) + String((Number(valid[index]) + shift) % 10) + valid.slice(index + 1);
        expect(hasValidDammCheckDigit(valid)).toBe(true);
        expect(hasValidDammCheckDigit(wrong), `${valid} → ${wrong}`).toBe(false);
      }),
    );
  });

  it("rejects every swap of two different neighbouring digits", () => {
    fc.assert(
      fc.property(digitString(5, 17), fc.nat(), (body, position) => {
        const valid = withDammCheckDigit(body);
        const index = position % (valid.length - 1);
        fc.pre(valid[index] !== valid[index + 1]);
        const swapped = valid.slice(0, index) + valid[index + 1] + valid[index] + valid.slice(index + 2);
        expect(hasValidDammCheckDigit(swapped), `${valid} → ${swapped}`).toBe(false);
      }),
    );
  });
});

describe("reading what a till sends", () => {
  it("tells PINs, codes and their mistakes apart", () => {
    const pin = withDammCheckDigit("48291");
    const code = withDammCheckDigit("12345678901234567");
    expect(readCardCode(pin)).toEqual({ kind: "pin", digits: pin });
    expect(readCardCode(` ${pin.slice(0, 3)} ${pin.slice(3)}\n`)).toEqual({ kind: "pin", digits: pin });
    expect(readCardCode(code)).toEqual({ kind: "code", digits: code });
    expect(readCardCode("")).toEqual({ kind: "invalid", reason: "not_digits" });
    expect(readCardCode("48-291")).toEqual({ kind: "invalid", reason: "not_digits" });
    expect(readCardCode("４８２９１３")).toEqual({ kind: "invalid", reason: "not_digits" });
    expect(readCardCode("1234567")).toEqual({ kind: "invalid", reason: "wrong_length" });
    expect(readCardCode(withDammCheckDigit("1234567890123456"))).toEqual({
      kind: "invalid",
      reason: "wrong_length",
    });
    expect(readCardCode(`${pin.slice(0, 5)}${(Number(pin[5]) + 1) % 10}`)).toEqual({
      kind: "invalid",
      reason: "check_digit",
    });
  });

  it("accepts every identifier the issuer draws", () => {
    for (let draw = 0; draw < 2000; draw++) {
      const { pin, code } = randomCardIdentifiers();
      expect(pin).toHaveLength(cardPinLength);
      expect(code).toHaveLength(cardCodeLength);
      expect(readCardCode(pin)).toEqual({ kind: "pin", digits: pin });
      expect(readCardCode(code)).toEqual({ kind: "code", digits: code });
    }
  });

  it("draws PIN digits evenly (no modulo bias, every digit in every place)", () => {
    const counts = Array.from({ length: cardPinLength - 1 }, () => Array(10).fill(0) as number[]);
    const draws = 20_000;
    for (let draw = 0; draw < draws; draw++) {
      const { pin } = randomCardIdentifiers();
      for (let place = 0; place < cardPinLength - 1; place++) counts[place]![Number(pin[place])]!++;
    }
    // 2,000 expected per cell; ±300 is over 7 standard deviations.
    for (const place of counts)
      for (const seen of place) expect(Math.abs(seen - draws / 10)).toBeLessThan(300);
  });
});
