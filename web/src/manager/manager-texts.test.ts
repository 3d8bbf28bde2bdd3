import type { ErrorEnvelope, GuestImportLineError } from "@guestcard/shared";
import type { ClientResponse } from "hono/client";
import { describe, expect, it } from "vitest";
import { ApiFailure, call } from "../api";
import { managerCatalogues } from "./manager-catalogue";
import { failureText, importLineErrorText } from "./manager-texts";

const { en, ru } = managerCatalogues;

/** What `call` makes of an error answer: the ApiFailure the manager's screens get. */
async function failureOf(status: number, envelope: ErrorEnvelope): Promise<ApiFailure> {
  const answer = new Response(JSON.stringify(envelope), {
    status,
    headers: { "content-type": "application/json" },
  });
  try {
    await call(Promise.resolve(answer) as unknown as Promise<ClientResponse<{ ok: true }, 200, "json">>);
  } catch (error) {
    if (error instanceof ApiFailure) return error;
    throw error;
  }
  throw new Error("expected the call to fail");
}

describe("the manager's texts for errors", () => {
  it("says a failure by its field errors or its code, never by the server's English message", async () => {
    const noPhoneColumn = await failureOf(422, {
      error: {
        code: "validation_failed",
        message: "The header row has no `phone` column.",
        fields: { phone: "the header has no phone column" },
        fieldErrors: { phone: { code: "column_missing", params: { column: "phone" } } },
      },
    });
    expect(failureText(ru, noPhoneColumn)).toBe("В строке заголовков нет колонки phone");

    const notConfigured = await failureOf(503, {
      error: { code: "unavailable", message: "The bot is not configured, so there are no links yet." },
    });
    expect(failureText(ru, notConfigured)).toBe(ru.failures.unavailable);

    const limited = await failureOf(429, {
      error: { code: "too_many_requests", message: "Slow down.", params: { retryAfterSeconds: 42 } },
    });
    expect(failureText(ru, limited)).toBe("Слишком много запросов: попробуйте через 42 с.");

    const unknown = await failureOf(418, { error: { code: "teapot", message: "I'm a teapot" } });
    expect(failureText(ru, unknown)).toBe(ru.failures.unexpected);
  });

  it("says each line of the import's report in the manager's language", () => {
    const lines: GuestImportLineError[] = [
      {
        line: 3,
        message: "phone: not a phone number; email: not an e-mail address",
        code: "invalid_fields",
        fieldErrors: { phone: { code: "not_a_phone" }, email: { code: "not_an_email" } },
      },
      {
        line: 4,
        message: "4 fields, but the header names 3",
        code: "wrong_field_count",
        params: { fields: 4, expected: 3 },
      },
      { line: 5, message: "a quote is never closed; …", code: "unclosed_quote" },
    ];
    expect(lines.map((line) => importLineErrorText(ru, line))).toEqual([
      "Телефон: Не номер телефона; Email: Не адрес эл. почты",
      "Полей: 4, а в заголовке — 3",
      ru.importLineErrors.unclosed_quote,
    ]);
    expect(importLineErrorText(en, lines[1] as GuestImportLineError)).toBe(
      "4 fields, but the header names 3",
    );
  });

  it("has the same keys in both languages, and Russian in every Russian text", () => {
    const shape = (value: unknown): unknown =>
      value && typeof value === "object"
        ? Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, shape(inner)]))
        : typeof value;
    expect(shape(ru)).toEqual(shape(en));
    for (const [key, value] of Object.entries(ru.fieldErrors)) {
      const text = typeof value === "function" ? value({ column: "phone", max: 1, options: "a" }) : value;
      expect(text, key).toMatch(/[а-яё]/i);
    }
  });
});
