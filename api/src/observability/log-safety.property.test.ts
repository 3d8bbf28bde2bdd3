import fc from "fast-check";
import type { Update } from "grammy/types";
import { describe, expect, it } from "vitest";
import { describeUpdate } from "../bot/update-log";
import { secretScrubber } from "../logger";

/** Content no log may carry, marked with "§" so that any trace of it is easy to spot. */
const content = fc.string({ unit: "grapheme", maxLength: 40 }).map((text) => `§${text}`);
const phone = fc
  .array(fc.integer({ min: 0, max: 9 }), { minLength: 10, maxLength: 10 })
  .map((digits) => `7${digits.join("")}`);

describe("what a log line says about an update (property)", () => {
  it("names the update, its kind and its chat, never its text, contact, names or username", () => {
    fc.assert(
      fc.property(
        fc.record({
          updateId: fc.nat(),
          userId: fc.integer({ min: 1, max: 2 ** 40 }),
          chatId: fc.integer({ min: -(2 ** 45), max: 2 ** 40 }),
          text: content,
          firstName: content,
          lastName: content,
          username: content,
          phone,
          kind: fc.constantFrom("text", "contact", "both", "edited"),
        }),
        (made) => {
          const from = {
            id: made.userId,
            is_bot: false,
            first_name: made.firstName,
            last_name: made.lastName,
            username: made.username,
          };
          const message = {
            message_id: 1,
            date: 0,
            chat: { id: made.chatId, type: "private", first_name: made.firstName, username: made.username },
            from,
            ...(made.kind !== "contact" ? { text: made.text } : {}),
            ...(made.kind !== "text"
              ? { contact: { phone_number: made.phone, first_name: made.firstName, user_id: made.userId } }
              : {}),
            reply_to_message: {
              message_id: 0,
              date: 0,
              chat: { id: made.chatId, type: "private" },
              text: made.text,
            },
          };
          const update = {
            update_id: made.updateId,
            [made.kind === "edited" ? "edited_message" : "message"]: message,
          } as unknown as Update;
          const described = JSON.stringify(describeUpdate(update));
          expect(described).not.toContain("§");
          expect(described).not.toContain(made.phone.slice(1));
          expect(describeUpdate(update)).toMatchObject({
            updateId: made.updateId,
            chatId: made.chatId,
            fromId: made.userId,
          });
        },
      ),
      { numRuns: 500 },
    );
  });
});

/** Secrets as config allows them (tokens, webhook and POS secrets), 8+ characters. */
const secret = fc.string({
  unit: fc.constantFrom(..."abcXYZ0189_-.~+/=:\"\\!@#$%&*()'".split("")),
  minLength: 8,
  maxLength: 40,
});

describe("the logger's last pass over every line (property)", () => {
  it("leaves no configured secret in a line, raw or JSON-escaped, wherever it appears", () => {
    fc.assert(
      fc.property(
        fc.array(secret, { minLength: 1, maxLength: 4 }),
        fc.string({ maxLength: 30 }),
        fc.nat(),
        fc.string({ maxLength: 30 }),
        (secrets, before, which, after) => {
          const scrub = secretScrubber(secrets);
          const leaked = secrets[which % secrets.length] as string;
          const line = JSON.stringify({ msg: `${before}${leaked}${after}`, nested: { value: leaked } });
          const scrubbed = scrub(line);
          for (const value of secrets) {
            expect(scrubbed).not.toContain(value);
            expect(scrubbed).not.toContain(JSON.stringify(value).slice(1, -1));
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
