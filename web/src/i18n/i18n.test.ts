import { fieldErrorMessages } from "@guestcard/shared";
import { describe, expect, it } from "vitest";
import { en } from "./en";
import { formatPhone, translateFieldError } from "./index";
import { ru } from "./ru";

describe("texts", () => {
  it("translates every field error the shared schema (and so the API) can send", () => {
    for (const [key, message] of Object.entries(fieldErrorMessages)) {
      const translated = translateFieldError(ru, message);
      expect(translated, key).toBe(ru.fieldErrors[key as keyof typeof fieldErrorMessages]);
      expect(translated).not.toBe(message);
      expect(translateFieldError(en, message)).toBe(en.fieldErrors[key as keyof typeof fieldErrorMessages]);
    }
  });

  it("shows an error it has no translation for as it came", () => {
    expect(translateFieldError(ru, "not a phone number")).toBe("not a phone number");
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
