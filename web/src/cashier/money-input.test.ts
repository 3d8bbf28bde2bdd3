import { purchaseTotalMax } from "@guestcard/shared";
import { describe, expect, it } from "vitest";
import { type MoneyReading, parseMoneyInput, parsePointsInput } from "./money-input";

const minor = (value: number): MoneyReading => ({ ok: true, minor: value });
const refused = (problem: string) => ({ ok: false, problem });

describe("the bill total as a cashier types it", () => {
  it.each([
    ["1250,50", minor(125050)],
    ["1250.50", minor(125050)],
    ["0,01", minor(1)],
    ["0.01", minor(1)],
    ["1 250,50", minor(125050)],
    ["1\u00a0250,50", minor(125050)], // a no-break space, as Intl formats Russian amounts
    ["1\u202f250,50", minor(125050)], // a narrow no-break space
    ["12 345 678", minor(1234567800)],
    ["12.5", minor(1250)],
    ["12,5", minor(1250)],
    ["12", minor(1200)],
    ["12,", minor(1200)],
    [",5", minor(50)],
    ["007", minor(700)],
    ["0", minor(0)],
    ["  980 ", minor(98000)],
    ["980 ₽", minor(98000)],
    ["+15", minor(1500)],
    ["1,234.50", minor(123450)],
    ["1.234,50", minor(123450)],
    ["1,234,567.89", minor(123456789)],
    ["1234,567", refused("too_many_decimals")],
    ["0,123", refused("too_many_decimals")],
    ["12,505", refused("ambiguous")],
    ["1,234", refused("ambiguous")],
    ["1.234", refused("ambiguous")],
    ["1.234.567", refused("ambiguous")],
    ["1,2,3", refused("ambiguous")],
    ["1,23.4", refused("not_a_number")],
    ["1.2,34", refused("not_a_number")],
    ["-1", refused("negative")],
    ["−5,00", refused("negative")], // a typographic minus
    ["abc", refused("not_a_number")],
    ["12a", refused("not_a_number")],
    ["1e3", refused("not_a_number")],
    ["0x10", refused("not_a_number")],
    [",", refused("not_a_number")],
    ["", refused("empty")],
    ["   ", refused("empty")],
    ["10000000000", minor(purchaseTotalMax)],
    ["10000000000,01", refused("too_large")],
    ["99999999999999999999", refused("too_large")],
  ])("%j → %j", (typed, expected) => {
    expect(parseMoneyInput(typed)).toEqual(expected);
  });

  it("never goes through a float: every two-decimal amount comes back exact", () => {
    for (const cents of [1, 29, 57, 99, 110, 12_345_678_91, 999_999_999_999]) {
      const typed = `${Math.trunc(cents / 100)},${String(cents % 100).padStart(2, "0")}`;
      expect(parseMoneyInput(typed)).toEqual(minor(cents));
    }
  });
});

describe("points to spend as a cashier types them", () => {
  it.each([
    ["", { ok: true, points: 0 }],
    ["0", { ok: true, points: 0 }],
    ["125", { ok: true, points: 125 }],
    ["1 500", { ok: true, points: 1500 }],
    ["0012", { ok: true, points: 12 }],
    ["12,5", { ok: false, problem: "not_a_number" }],
    ["-3", { ok: false, problem: "negative" }],
    ["abc", { ok: false, problem: "not_a_number" }],
    ["99999999999999", { ok: false, problem: "too_large" }],
  ])("%j → %j", (typed, expected) => {
    expect(parsePointsInput(typed)).toEqual(expected);
  });
});
