import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { guestAnswerParts, managerReplyParts, reviewMessageParts } from "../reviews/review-message";
import { reviewTextsFor } from "../reviews/review-texts";
import { escapeHtml, userLink } from "./html";
import { telegramTextLimit } from "./message-parts";

/** What Telegram's HTML parse mode shows for our text: the five entities we emit, decoded. */
function decode(html: string): string {
  return html.replace(/&(amp|lt|gt|quot|#39);/g, (_entity, name: string) => {
    const characters: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'" };
    return characters[name] as string;
  });
}

/** Text with no markup left in it: no `<` or `>`, and every `&` starts a whole entity. */
const inertText = /^(?:[^<>&]|&(?:amp|lt|gt|quot|#39);)*$/su;

/** The only markup our messages contain; whatever a guest or manager typed must not add any. */
const ourTags = /<\/?(?:b|i|blockquote)>|<a href="tg:\/\/user\?id=-?\d+">|<\/a>/g;

/** Strings heavy in what HTML reads as markup, mixed with any Unicode (lone surrogates included). */
const hostileText = fc.oneof(
  fc.string({
    unit: fc.constantFrom(
      "<",
      ">",
      "&",
      '"',
      "'",
      "/",
      "a",
      " ",
      "\n",
      "=",
      ";",
      "#",
      "b>",
      "</a>",
      "&amp;",
      "&lt;",
    ),
  }),
  fc.string({ unit: "binary" }),
  fc.string({ unit: "grapheme" }),
);

describe("escapeHtml (property)", () => {
  it("leaves no markup: no < or >, every & an entity, no quote to end an attribute", () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        const escaped = escapeHtml(text);
        expect(escaped).toMatch(inertText);
        expect(escaped).not.toMatch(/["']/);
      }),
      { numRuns: 500 },
    );
  });

  it("loses nothing: Telegram shows exactly the text that was escaped", () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        expect(decode(escapeHtml(text))).toBe(text);
      }),
      { numRuns: 500 },
    );
  });

  it("makes a profile link that no name can break out of", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), hostileText, (id, name) => {
        const link = userLink(id, name);
        const match = /^<a href="tg:\/\/user\?id=(\d+)">(.*)<\/a>$/su.exec(link);
        expect(match?.[1]).toBe(String(id));
        expect(match?.[2]).toMatch(inertText);
        expect(decode(match?.[2] ?? "")).toBe(name);
      }),
      { numRuns: 300 },
    );
  });
});

describe("messages to the managers' chat and to guests (property)", () => {
  const author = fc.record({
    telegramUserId: fc.integer({ min: 1, max: 2 ** 40 }),
    fullName: hostileText,
    username: fc.option(hostileText, { nil: null }),
    phone: fc.option(hostileText, { nil: null }),
  });
  // Long texts too, so that messages split into parts.
  const body = fc.oneof(
    hostileText,
    fc.string({ unit: fc.constantFrom("&", "<", "x", " ", "\n", "😀"), minLength: 3000, maxLength: 9000 }),
  );

  /**
   * Every part within Telegram's limit, no markup but ours, and the body whole, in order, across the
   * parts. The body starts after the header's blank line; that is only findable when nothing in the
   * header (a name, a phone) has a line break of its own, so `headerFields` says what went in there.
   */
  function expectSafeParts(parts: string[], text: string, headerFields: (string | null)[]) {
    expect(parts.length).toBeGreaterThan(0);
    let shown = "";
    for (const part of parts) {
      expect(part.length).toBeLessThanOrEqual(telegramTextLimit);
      expect(part.replace(ourTags, "")).toMatch(inertText);
      expect((part.match(/<a /g) ?? []).length).toBe((part.match(/<\/a>/g) ?? []).length);
      shown += decode(part.slice(part.indexOf("\n\n") + 2));
    }
    if (text !== "" && headerFields.every((field) => !field?.includes("\n"))) expect(shown).toBe(text);
  }

  it("a review: only our markup, whatever the guest's name, username, phone and text", () => {
    fc.assert(
      fc.property(
        author,
        fc.option(fc.integer({ min: 1, max: 5 }), { nil: null }),
        body,
        fc.constantFrom("ru", "en"),
        (who, rating, text, language) => {
          const parts = reviewMessageParts({ author: who, rating, text }, reviewTextsFor(language));
          expectSafeParts(parts, text, [who.fullName, who.username, who.phone]);
        },
      ),
      { numRuns: 150 },
    );
  });

  it("a manager's reply and a guest's answer: the same", () => {
    fc.assert(
      fc.property(author, hostileText, hostileText, body, (who, restaurantName, reviewText, text) => {
        const texts = reviewTextsFor("en");
        expectSafeParts(managerReplyParts({ restaurantName, reviewText, text }, texts), text, [
          restaurantName,
          reviewText,
        ]);
        expectSafeParts(guestAnswerParts({ author: who, text }, texts), text, [who.fullName, who.username]);
      }),
      { numRuns: 100 },
    );
  });
});
