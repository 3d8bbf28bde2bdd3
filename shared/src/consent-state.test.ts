import { describe, expect, it } from "vitest";
import { type ConsentRecord, consentStateOf } from "./my-data";

const entry = (kind: ConsentRecord["kind"], granted: boolean, day: number): ConsentRecord => ({
  kind,
  granted,
  textVersion: "1/en",
  recordedAt: `2026-12-0${day}T10:00:00.000Z`,
});

describe("consentStateOf", () => {
  it("says never for no entry, and for a no that followed no grant (the box left unticked)", () => {
    expect(consentStateOf([], "marketing")).toEqual({ state: "never", at: null });
    expect(consentStateOf([entry("marketing", false, 1)], "marketing")).toEqual({ state: "never", at: null });
    expect(consentStateOf([entry("personal_data", true, 1)], "marketing")).toEqual({
      state: "never",
      at: null,
    });
  });

  it("says given or withdrawn with the date of the entry in force", () => {
    const history = [entry("marketing", false, 1), entry("marketing", true, 2)];
    expect(consentStateOf(history, "marketing")).toEqual({ state: "given", at: "2026-12-02T10:00:00.000Z" });
    history.push(entry("marketing", false, 3));
    expect(consentStateOf(history, "marketing")).toEqual({
      state: "withdrawn",
      at: "2026-12-03T10:00:00.000Z",
    });
    history.push(entry("marketing", true, 4));
    expect(consentStateOf(history, "marketing")).toEqual({ state: "given", at: "2026-12-04T10:00:00.000Z" });
  });
});
