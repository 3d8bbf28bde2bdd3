import {
  createSourceRequestSchema,
  defaultSourceCode,
  sourceCodePattern,
  sourceLinks,
} from "@guestcard/shared";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { safeParse } from "zod/v4/core";
import { parseSourceCode } from "./attribution";

const codeCharacters = [..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"];
/** A code Telegram carries in `?start=` and `?startapp=`: 1–64 of A-Z a-z 0-9 _ -. */
const validCode = fc.string({ unit: fc.constantFrom(...codeCharacters), minLength: 1, maxLength: 64 });
/** Anything a `/start` payload or a `start_param` might be, valid or not. */
const anyPayload = fc.oneof(
  validCode,
  fc.string({ unit: "binary", maxLength: 80 }),
  fc.string({
    unit: fc.constantFrom(...codeCharacters, " ", "\t", "\n", "%", "&", "=", "?", "/", "é"),
    maxLength: 70,
  }),
);
const botUsername = fc.string({
  unit: fc.constantFrom(...codeCharacters.filter((c) => c !== "-")),
  minLength: 5,
  maxLength: 32,
});
const shortName = fc.string({
  unit: fc.constantFrom(...codeCharacters.filter((c) => c !== "-")),
  minLength: 3,
  maxLength: 30,
});

describe("source codes (property)", () => {
  it("a payload is read as a code exactly when, trimmed, it matches the pattern; never throws", () => {
    fc.assert(
      fc.property(fc.option(anyPayload, { nil: undefined }), (payload) => {
        const code = parseSourceCode(payload);
        const trimmed = payload?.trim() ?? "";
        if (sourceCodePattern.test(trimmed)) expect(code).toBe(trimmed);
        else expect(code).toBeUndefined();
      }),
      { numRuns: 1000 },
    );
    expect(parseSourceCode(null)).toBeUndefined();
  });

  it("the manager's form accepts exactly the codes a link can carry", () => {
    fc.assert(
      fc.property(anyPayload, (code) => {
        const parsed = safeParse(createSourceRequestSchema, { name: "Table tents", code });
        expect(parsed.success).toBe(sourceCodePattern.test(code.trim()));
      }),
      { numRuns: 500 },
    );
  });

  it("every code survives its links: what Telegram hands the bot or the Mini App is the code itself", () => {
    fc.assert(
      fc.property(validCode, botUsername, shortName, (code, bot, app) => {
        const links = sourceLinks(bot, app, code);
        const botLink = new URL(links.bot);
        const miniAppLink = new URL(links.miniApp);
        expect(botLink.origin).toBe("https://t.me");
        expect(botLink.pathname).toBe(`/${bot}`);
        expect(miniAppLink.pathname).toBe(`/${bot}/${app}`);
        if (code === defaultSourceCode) {
          expect(botLink.search).toBe("");
          expect(miniAppLink.search).toBe("");
          return;
        }
        // The bot sees `/start <payload>`, the Mini App `start_param`: both read back as this source.
        expect(parseSourceCode(botLink.searchParams.get("start"))).toBe(code);
        expect(parseSourceCode(miniAppLink.searchParams.get("startapp"))).toBe(code);
        // No escaping needed, so the printed link and what a phone's camera reads are the same text.
        expect(links.bot.endsWith(`?start=${code}`)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
