import { describe, expect, it } from "vitest";
import * as z from "zod/mini";
import { fieldErrorMessage, fieldMessages } from "./field-error-messages";
import { fieldErrorCodes, fieldRule, issuesToFields } from "./field-errors";
import { registrationRequestSchema } from "./registration";
import { settingsUpdateSchema } from "./settings";
import { statsQuerySchema } from "./sources";

function errorsOf(schema: z.ZodMiniType, value: unknown) {
  const result = schema.safeParse(value);
  if (result.success) throw new Error(`${JSON.stringify(value)} passed`);
  return issuesToFields(result.error.issues);
}

describe("field errors by code", () => {
  it("reads a rule's code and parameters back from the issue, whatever kind of issue it is", () => {
    const rule = fieldRule("lifetime_out_of_range", { min: 30, max: 86_400 });
    const expected = { code: "lifetime_out_of_range", params: { min: 30, max: 86_400 } };
    for (const cardTtlSeconds of [29, 86_401, 60.5, "300", Number.NaN]) {
      expect(errorsOf(settingsUpdateSchema, { cardTtlSeconds })).toEqual({ cardTtlSeconds: expected });
    }
    expect(rule).toBe('lifetime_out_of_range {"min":30,"max":86400}');
  });

  it("takes a limit or the allowed values from the issue itself", () => {
    expect(
      errorsOf(registrationRequestSchema, {
        lastName: "x".repeat(101),
        firstName: "A",
        consents: { personalData: true },
      }),
    ).toEqual({ lastName: { code: "too_long", params: { max: 100 } } });
    expect(errorsOf(statsQuerySchema, { period: "year" })).toEqual({
      period: { code: "not_one_of", params: { options: "today, 7d, 30d, all" } },
    });
  });

  it("gives zod's own issues (a schema without a rule of ours) the nearest code", () => {
    const plain = z.object({ count: z.number(), tags: z.array(z.string()).check(z.maxLength(2)) });
    expect(errorsOf(plain, { count: "1", tags: ["a", "b", "c"] })).toEqual({
      count: { code: "wrong_type", params: { expected: "number" } },
      tags: { code: "too_long", params: { max: 2 } },
    });
    expect(errorsOf(z.string(), 1)).toEqual({ body: { code: "wrong_type", params: { expected: "string" } } });
  });

  it("joins nested paths with dots and keeps the first error of each field", () => {
    expect(
      errorsOf(registrationRequestSchema, { lastName: "", firstName: "", consents: { personalData: false } }),
    ).toEqual({
      lastName: { code: "required" },
      firstName: { code: "required" },
      "consents.personalData": { code: "consent_required" },
    });
  });

  it("has an English sentence for every code, the contract's `fields`", () => {
    for (const code of fieldErrorCodes) {
      const message = fieldErrorMessage({
        code,
        params: { max: 1, min: 0, options: "a, b", column: "phone" },
      });
      expect(message, code).toMatch(/^[\x20-\x7E–]+$/);
      expect(message, code).not.toContain("undefined");
    }
    expect(
      fieldMessages({ email: { code: "not_an_email" }, name: { code: "too_long", params: { max: 100 } } }),
    ).toEqual({ email: "not an e-mail address", name: "too long (100 characters at most)" });
  });
});
