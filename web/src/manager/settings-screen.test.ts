import { describe, expect, it } from "vitest";
import { lifetimeSeconds } from "./settings-screen";

describe("the card lifetime as a manager types it", () => {
  it.each([
    ["2", "minutes", 120],
    ["0,5", "minutes", 30],
    ["1.5", "minutes", 90],
    [" 10 ", "minutes", 600],
    ["24", "hours", 86_400],
    ["1,25", "hours", 4500],
  ] as const)("%s %s is %i seconds", (amount, unit, seconds) => {
    expect(lifetimeSeconds(amount, unit)).toBe(seconds);
  });

  it.each(["", "abc", "-1", "1e3", "1,2,3", "½"])(
    "%j is not a lifetime (the schema then says why)",
    (amount) => {
      expect(lifetimeSeconds(amount, "minutes")).toBeNaN();
    },
  );
});
