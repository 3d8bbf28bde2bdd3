import {
  cardCodeLength,
  cardPinLength,
  hasValidDammCheckDigit,
  readCardCode,
  withDammCheckDigit,
} from "@guestcard/shared";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

const digits = (length: number) =>
  fc
    .array(fc.integer({ min: 0, max: 9 }), { minLength: length, maxLength: length })
    .map((list) => list.join(""));

describe("readCardCode (property)", () => {
  it("never throws, and accepts only 6 or 18 digits (spaces aside) whose check digit holds", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: "binary", maxLength: 30 }),
          fc.string({
            unit: fc.constantFrom("0", "1", "5", "9", " ", "\t", "\n", "-", "٣", "０"),
            maxLength: 24,
          }),
        ),
        (input) => {
          const reading = readCardCode(input);
          const compact = input.replace(/\s+/g, "");
          if (reading.kind === "invalid") {
            const expected = !/^\d+$/.test(compact)
              ? "not_digits"
              : compact.length !== cardPinLength && compact.length !== cardCodeLength
                ? "wrong_length"
                : "check_digit";
            expect(reading.reason).toBe(expected);
          } else {
            expect(reading.digits).toBe(compact);
            expect(reading.kind).toBe(compact.length === cardPinLength ? "pin" : "code");
            expect(hasValidDammCheckDigit(compact)).toBe(true);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("reads a PIN or a code the same however it is spaced, grouped or line-ended", () => {
    fc.assert(
      fc.property(
        fc.oneof(digits(cardPinLength - 1), digits(cardCodeLength - 1)).map(withDammCheckDigit),
        fc.array(fc.tuple(fc.nat(), fc.constantFrom(" ", "  ", "\t", "\r\n", "\n", "\u00a0")), {
          maxLength: 5,
        }),
        (identifier, insertions) => {
          let spaced = identifier;
          for (const [position, space] of insertions) {
            const at = position % (spaced.length + 1);
            spaced = spaced.slice(0, at) + space + spaced.slice(at);
          }
          expect(readCardCode(spaced)).toEqual({
            kind: identifier.length === cardPinLength ? "pin" : "code",
            digits: identifier,
          });
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe("the PIN's check digit, over every possible PIN", () => {
  // Exhaustive rather than sampled: 100,000 PINs is few enough to try every one, so the guarantee
  // Damm's algorithm makes is checked, not estimated.
  it("catches every single wrong digit and every swap of two different neighbouring digits", () => {
    let missed = 0;
    const examples: string[] = [];
    for (let body = 0; body < 100_000; body++) {
      const pin = withDammCheckDigit(String(body).padStart(cardPinLength - 1, "0"));
      for (let place = 0; place < cardPinLength; place++) {
        const digit = pin.charCodeAt(place) - 48;
        for (let shift = 1; shift <= 9; shift++) {
          const wrong = pin.slice(0, place) + String((digit + shift) % 10) + pin.slice(place + 1);
          if (hasValidDammCheckDigit(wrong)) {
            missed++;
            if (examples.length < 5) examples.push(`${pin}→${wrong}`);
          }
        }
        if (place < cardPinLength - 1 && pin[place] !== pin[place + 1]) {
          const swapped = pin.slice(0, place) + pin[place + 1] + pin[place] + pin.slice(place + 2);
          if (hasValidDammCheckDigit(swapped)) {
            missed++;
            if (examples.length < 5) examples.push(`${pin}→${swapped}`);
          }
        }
      }
    }
    expect(missed, examples.join(", ")).toBe(0);
  });
});
