import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { escapeHtml } from "./html";
import { htmlMessageParts, splitEscapedText, telegramTextLimit } from "./message-parts";

/** The text Telegram shows for an HTML message body of ours: entities decoded. */
function decodeEntities(html: string): string {
  return html
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");
}

/** Every `&` starts a whole entity: a cut never left half of one behind. */
const wholeEntities = /^(?:[^&]|&(?:amp|lt|gt|quot|#39);)*$/s;

describe("splitEscapedText", () => {
  it("keeps a short text in one piece", () => {
    expect(splitEscapedText("Short & sweet", { first: 100, rest: 100 })).toEqual(["Short & sweet"]);
  });

  it("loses no character, keeps the order, and fits every escaped piece in its budget", () => {
    fc.assert(
      fc.property(
        fc.string({
          unit: fc.constantFrom("a", " ", "\n", "&", "<", '"', "é", "😀", "👍🏽", ".", "x"),
          maxLength: 600,
        }),
        fc.integer({ min: 12, max: 80 }),
        fc.integer({ min: 12, max: 80 }),
        (text, first, rest) => {
          const pieces = splitEscapedText(text, { first, rest });
          expect(pieces.join("")).toBe(text);
          pieces.forEach((piece, index) => {
            expect(escapeHtml(piece).length).toBeLessThanOrEqual(index === 0 ? first : rest);
            expect(piece.length).toBeGreaterThan(0);
          });
        },
      ),
    );
  });

  it("never splits an emoji with its skin tone or a surrogate pair", () => {
    const text = "👍🏽".repeat(50);
    for (const piece of splitEscapedText(text, { first: 9, rest: 9 })) {
      expect(piece.length % 4, `piece ${JSON.stringify(piece)}`).toBe(0);
    }
  });

  it("prefers a paragraph break, then a line break, then a sentence end, then a space", () => {
    const budget = { first: 40, rest: 40 };
    expect(splitEscapedText(`${"a".repeat(25)}\n\n${"b".repeat(25)}`, budget)[0]).toBe(
      `${"a".repeat(25)}\n\n`,
    );
    expect(splitEscapedText(`${"a".repeat(25)}\n${"b".repeat(25)}`, budget)[0]).toBe(`${"a".repeat(25)}\n`);
    expect(splitEscapedText("Aaaa aaaa aaaa aaaa aaaa. Bbbb bbbb bbbb cccc", budget)[0]).toBe(
      "Aaaa aaaa aaaa aaaa aaaa. ",
    );
    expect(splitEscapedText(`${"word ".repeat(10)}`, budget)[0]).toBe("word ".repeat(8));
    // No boundary in the second half: a hard cut at the budget.
    expect(splitEscapedText("x".repeat(100), budget)[0]).toBe("x".repeat(40));
  });

  it("cuts a text of one letter with thousands of combining marks into code points", () => {
    const zalgo = `a${"\u0301".repeat(5000)}`;
    const pieces = splitEscapedText(zalgo, { first: 4000, rest: 4000 });
    expect(pieces.join("")).toBe(zalgo);
    expect(pieces.every((piece) => piece.length <= 4000)).toBe(true);
  });
});

describe("htmlMessageParts", () => {
  const header = (partNumber: number, partCount: number) =>
    partCount === 1 ? "<b>Review</b>" : `<b>Review</b> (${partNumber}/${partCount})`;

  it("sends a short text as one message: header, blank line, escaped text", () => {
    expect(htmlMessageParts({ header, body: "Fish & <chips>" })).toEqual([
      "<b>Review</b>\n\nFish &amp; &lt;chips&gt;",
    ]);
  });

  it("sends a text that passes the limit whole, over several messages within it, never cutting an entity", () => {
    // 4000 characters whose escaped form is five times longer.
    const body = "&".repeat(2000) + "<".repeat(1000) + "tail ".repeat(200);
    const parts = htmlMessageParts({ header, body });
    expect(parts.length).toBeGreaterThan(3);
    let rebuilt = "";
    parts.forEach((part, index) => {
      expect(part.length).toBeLessThanOrEqual(telegramTextLimit);
      expect(part.startsWith(`<b>Review</b> (${index + 1}/${parts.length})\n\n`)).toBe(true);
      const piece = part.slice(part.indexOf("\n\n") + 2);
      expect(piece).toMatch(wholeEntities);
      rebuilt += decodeEntities(piece);
    });
    expect(rebuilt).toBe(body);
  });

  it("fills messages nearly to the limit (headers are measured at their widest part numbers)", () => {
    const body = "y".repeat(telegramTextLimit * 2);
    const parts = htmlMessageParts({ header, body });
    expect(parts).toHaveLength(3);
    expect(parts[0]?.length).toBeGreaterThan(telegramTextLimit - 10);
  });
});
