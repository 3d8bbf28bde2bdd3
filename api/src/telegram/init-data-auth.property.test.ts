import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { testBotToken } from "../../test/test-app";
import { signInitData } from "../demo/launch-url";
import { ApiError } from "../errors";
import { verifyInitData } from "./init-data-auth";

const userArbitrary = fc.record({
  id: fc.integer({ min: 1, max: 2 ** 52 }),
  firstName: fc.string({ minLength: 1, maxLength: 64 }),
  lastName: fc.option(fc.string({ maxLength: 64 }), { nil: undefined }),
  username: fc.option(fc.stringMatching(/^[A-Za-z0-9_]{5,32}$/), { nil: undefined }),
  languageCode: fc.option(fc.constantFrom("ru", "en", "de", "uk"), { nil: undefined }),
});

const rejects = (raw: string) => {
  try {
    verifyInitData(raw, testBotToken, 86400);
    return false;
  } catch (error) {
    return error instanceof ApiError && error.code === "unauthorized";
  }
};

describe("initData verification (properties)", () => {
  it("accepts any freshly signed initData and returns exactly the signed user", () => {
    fc.assert(
      fc.property(userArbitrary, (user) => {
        const launch = verifyInitData(signInitData(user, testBotToken), testBotToken, 86400);
        expect(launch.user.id).toBe(user.id);
        expect(launch.user.firstName).toBe(user.firstName);
        expect(launch.user.lastName).toBe(user.lastName ?? null);
      }),
      { numRuns: 200 },
    );
  });

  it("rejects any single-character change to a signed string", () => {
    fc.assert(
      fc.property(
        userArbitrary,
        fc.nat(),
        fc.string({ minLength: 1, maxLength: 1 }),
        (user, position, replacement) => {
          const raw = signInitData(user, testBotToken);
          const index = position % raw.length;
          fc.pre(raw[index] !== replacement);
          const mutated = raw.slice(0, index) + replacement + raw.slice(index + 1);
          // A change that decodes to the same parameters (e.g. %2b vs %2B) is not a change of data.
          fc.pre(new URLSearchParams(mutated).toString() !== new URLSearchParams(raw).toString());
          expect(rejects(mutated)).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("never throws anything but unauthorized for arbitrary input", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (raw) => {
        expect(rejects(raw)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
