import crypto from "node:crypto";
import fc from "fast-check";
import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";
import { testBotToken } from "../../test/test-app";
import { signInitData } from "../demo/launch-url";
import { ApiError } from "../errors";
import { verifyInitData } from "./init-data-auth";

// The real timingSafeEqual, watched: the test sees every comparison the verification makes. A spy on
// the module object (not vi.mock): test files share their workers' loaded modules (vitest.config.ts).
const comparisons = vi.spyOn(crypto, "timingSafeEqual");
const alice = { id: 5001, firstName: "Alice" };

const withHash = (raw: string, hash: string) => {
  const params = new URLSearchParams(raw);
  params.set("hash", hash);
  return params.toString();
};

const rejected = (raw: string) => {
  try {
    verifyInitData(raw, testBotToken, 86400);
    return false;
  } catch (error) {
    return error instanceof ApiError && error.code === "unauthorized";
  }
};

describe("initData's hash is compared in constant time", () => {
  beforeEach(() => {
    comparisons.mockClear();
  });
  afterAll(() => {
    comparisons.mockRestore();
  });

  it("compares the whole 32-byte digests with timingSafeEqual when the signature is right", () => {
    const raw = signInitData(alice, testBotToken);
    expect(verifyInitData(raw, testBotToken, 86400).user.id).toBe(alice.id);
    expect(comparisons).toHaveBeenCalledTimes(1);
    const [expected, given] = comparisons.mock.calls[0] ?? [];
    expect(Buffer.from(expected as Uint8Array)).toHaveLength(32);
    expect(Buffer.from(given as Uint8Array).toString("hex")).toBe(new URLSearchParams(raw).get("hash"));
  });

  it("rejects any forged hash of the right shape through the same comparison, wherever it differs", () => {
    const raw = signInitData(alice, testBotToken);
    const real = new URLSearchParams(raw).get("hash") as string;
    fc.assert(
      fc.property(fc.nat({ max: 63 }), fc.constantFrom(..."0123456789abcdef"), (position, digit) => {
        fc.pre(real[position] !== digit);
        comparisons.mockClear();
        const forged = real.slice(0, position) + digit + real.slice(position + 1);
        expect(rejected(withHash(raw, forged))).toBe(true);
        // One comparison of whole digests, whether the difference is in the first digit or the last.
        expect(comparisons).toHaveBeenCalledTimes(1);
      }),
      { numRuns: 200 },
    );
  });

  it("rejects a hash of another shape (uppercase, short, doubled) without comparing anything", () => {
    const raw = signInitData(alice, testBotToken);
    const real = new URLSearchParams(raw).get("hash") as string;
    const doubled = `${raw}&hash=${real}`;
    for (const forged of [
      withHash(raw, real.toUpperCase()),
      withHash(raw, real.slice(0, 62)),
      withHash(raw, `${real}00`),
      doubled,
    ]) {
      expect(rejected(forged)).toBe(true);
    }
    expect(comparisons).not.toHaveBeenCalled();
  });
});
