import { issuesToFields } from "@guestcard/shared";
import type { MiddlewareHandler } from "hono";
import { validator } from "hono/validator";
import { type $ZodType, type input, type output, safeParse } from "zod/v4/core";
import { ApiError } from "../errors";

/** Classic zod (api) and zod/mini (shared, web) schemas alike. */
type Schema = $ZodType;

/** CONTRACT.md: bodies over 64 KiB are refused (the CSV import has its own, larger limit). */
export const jsonBodyLimitBytes = 64 * 1024;

export function parseOrThrow<S extends Schema>(schema: S, value: unknown): output<S> {
  const result = safeParse(schema, value);
  if (!result.success) {
    throw new ApiError(
      "validation_failed",
      "Some fields are not valid.",
      issuesToFields(result.error.issues),
    );
  }
  return result.data;
}

/**
 * Reads the raw body within a byte limit: 413 past it. Size is checked here, after the route's
 * authentication and rate limits, so every client sees CONTRACT.md's order of checks.
 */
export async function readBodyText(request: Request, maxBytes: number): Promise<string> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  const tooLarge = () =>
    new ApiError("payload_too_large", `The body is larger than ${Math.round(maxBytes / 1024)} KiB.`);
  if (declared > maxBytes) throw tooLarge();
  const bytes = new Uint8Array(await request.arrayBuffer());
  if (bytes.byteLength > maxBytes) throw tooLarge();
  return new TextDecoder().decode(bytes);
}

/** Validates a JSON body with a shared schema: 413 too large, 400 not JSON, 422 with `fields` when it is wrong. */
export function jsonBody<S extends Schema>(
  schema: S,
): MiddlewareHandler<object, string, { in: { json: input<S> }; out: { json: output<S> } }> {
  return async (c, next) => {
    const text = await readBodyText(c.req.raw, jsonBodyLimitBytes);
    const mediaType = (c.req.header("content-type") ?? "").split(";")[0]?.trim().toLowerCase();
    if (mediaType !== "application/json") {
      throw new ApiError("bad_request", "Send the body as JSON with `Content-Type: application/json`.");
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new ApiError("bad_request", "The body is not valid JSON.");
    }
    c.req.addValidatedData("json", parseOrThrow(schema, value) as object);
    await next();
  };
}

/** Validates query parameters with a shared schema (422 with `fields`). */
export function queryParams<S extends Schema>(schema: S) {
  return validator("query", (value): output<S> => parseOrThrow(schema, value));
}
