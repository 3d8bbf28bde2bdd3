import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { escapeHtml } from "./html";
import { htmlMessageParts, splitEscapedText, telegramTextLimit } from "./message-parts";

const decode = (html: string) =>
  html.replace(/&(amp|lt|gt|quot|#39);/g, (_entity, name: string) =>
    name === "amp" ? "&" : name === "lt" ? "<" : name === "gt" ? ">" : name === "quot" ? '"' : "'",
  );

/** Any Unicode: lone surrogates, emoji sequences, stacks of combining marks, markup characters. */
const anyText = fc.oneof(
  fc.string({ unit: "binary", maxLength: 400 }),
  fc.string({ unit: "grapheme", maxLength: 300 }),
  fc.string({
    unit: fc.constantFrom(
      "&",
      "<",
      "a",
      " ",
      "\n",
      ".",
      "👍🏽",
      "👨‍👩‍👧",
      "é",
      "e\u0301",
      "\u0301",
      "\ud800",
      "🇫🇷",
    ),
    maxLength: 500,
  }),
);

/** The offsets (in UTF-16 units) where one user-perceived character ends and the next begins. */
function graphemeBoundaries(text: string): Set<number> {
  const boundaries = new Set<number>([0, text.length]);
  for (const { index } of new Intl.Segmenter(undefined, { granularity: "grapheme" }).segment(text))
    boundaries.add(index);
  return boundaries;
}

describe("splitEscapedText (property, any Unicode)", () => {
  it("keeps every character in order, fits every escaped piece its budget, and cuts only between characters", () => {
    fc.assert(
      fc.property(
        anyText,
        fc.integer({ min: 30, max: 200 }),
        fc.integer({ min: 30, max: 200 }),
        (text, first, rest) => {
          const pieces = splitEscapedText(text, { first, rest });
          expect(pieces.join("")).toBe(text);
          const boundaries = graphemeBoundaries(text);
          // A character that alone would not fit a piece may be cut into code points; none here is that long.
          const everyCharacterFits = [
            ...new Intl.Segmenter(undefined, { granularity: "grapheme" }).segment(text),
          ].every(({ segment }) => escapeHtml(segment).length <= Math.min(first, rest));
          let offset = 0;
          pieces.forEach((piece, index) => {
            expect(piece.length).toBeGreaterThan(0);
            expect(escapeHtml(piece).length).toBeLessThanOrEqual(index === 0 ? first : rest);
            offset += piece.length;
            if (everyCharacterFits) expect(boundaries.has(offset), `cut at ${offset}`).toBe(true);
          });
        },
      ),
      { numRuns: 400 },
    );
  });
});

describe("htmlMessageParts (property)", () => {
  it("numbers the parts 1…n, keeps each within the limit, and Telegram shows the whole text across them", () => {
    fc.assert(
      fc.property(
        anyText,
        fc.integer({ min: 120, max: telegramTextLimit }),
        fc.string({ unit: fc.constantFrom("R", "e", "v", " ", "·"), maxLength: 40 }),
        (body, limit, title) => {
          const header = (partNumber: number, partCount: number) =>
            `<b>${escapeHtml(title)}</b> [${partNumber}/${partCount}]`;
          const parts = htmlMessageParts({ header, body, limit });
          let shown = "";
          parts.forEach((part, index) => {
            expect(part.length).toBeLessThanOrEqual(limit);
            const prefix = `${header(index + 1, parts.length)}\n\n`;
            if (body === "") expect(part).toBe(header(1, 1));
            else {
              expect(part.startsWith(prefix), part.slice(0, 80)).toBe(true);
              const piece = part.slice(prefix.length);
              expect(piece).toMatch(/^(?:[^<>&]|&(?:amp|lt|gt|quot|#39);)*$/su);
              shown += decode(piece);
            }
          });
          expect(shown).toBe(body);
        },
      ),
      { numRuns: 300 },
    );
  });
});
