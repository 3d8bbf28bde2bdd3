import {
  type FieldError,
  fieldErrorMessage,
  issuesToFields,
  registrationRequestSchema,
  reviewRequestSchema,
} from "@guestcard/shared";
import { describe, expect, it } from "vitest";
import { en } from "./en";
import { fieldErrorText, formatPhone } from "./index";
import { ru } from "./ru";

/** Every field error the guest's own forms can produce, from inputs that break each rule. */
function guestFormErrors(): FieldError[] {
  const form = { lastName: "Ivanova", firstName: "Anna", consents: { personalData: true } };
  const registrations = [
    { ...form, lastName: "" },
    { ...form, lastName: "x".repeat(101) },
    { ...form, firstName: "\u200B" },
    { ...form, firstName: "\ud800" },
    { ...form, email: "anna@" },
    { ...form, birthday: "2001-02-30" },
    { ...form, birthday: "1899-12-31" },
    { ...form, birthday: "2999-01-01" },
    { ...form, consents: { personalData: false } },
  ];
  const reviews = [{ text: "" }, { text: "x".repeat(4001) }, { text: "a\u0000b" }, { text: "\ud800" }];
  return [
    ...registrations.map((value) => registrationRequestSchema.safeParse(value)),
    ...reviews.map((value) => reviewRequestSchema.safeParse(value)),
  ].flatMap((result) => (result.success ? [] : Object.values(issuesToFields(result.error.issues))));
}

describe("texts", () => {
  it("has a sentence of its own for every field error a guest's form can produce", () => {
    const errors = guestFormErrors();
    expect(new Set(errors.map((error) => error.code)).size).toBeGreaterThanOrEqual(9);
    for (const error of errors) {
      expect(Object.keys(ru.fieldErrors), error.code).toContain(error.code);
      const russian = fieldErrorText(ru.fieldErrors, error);
      expect(russian, error.code).toMatch(/[а-яё]/i);
      expect(russian).not.toBe(fieldErrorMessage(error));
      expect(fieldErrorText(en.fieldErrors, error)).not.toBe(russian);
    }
  });

  it("fills in an error's parameters, and reads a code it has no sentence for as `invalid`", () => {
    expect(fieldErrorText(ru.fieldErrors, { code: "too_long", params: { max: 100 } })).toBe(
      "Слишком длинно: не больше 100 символов",
    );
    expect(fieldErrorText(ru.fieldErrors, { code: "bad_short_name" })).toBe(ru.fieldErrors.invalid);
  });

  it("has no empty text in either language", () => {
    for (const catalogue of [en, ru]) {
      for (const [key, value] of Object.entries(catalogue)) {
        if (typeof value === "string") expect(value.trim(), key).not.toBe("");
      }
    }
  });

  it("groups Russian phone numbers for reading and leaves others alone", () => {
    expect(formatPhone("+79095339392")).toBe("+7 909 533-93-92");
    expect(formatPhone("+447700900123")).toBe("+447700900123");
  });
});
