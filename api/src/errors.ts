import {
  type ErrorCode,
  type ErrorEnvelope,
  type ErrorParams,
  errorStatus,
  type FieldErrors,
  fieldMessages,
} from "@guestcard/shared";
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/**
 * The one error type handlers throw; `renderError` turns it into the envelope of docs/api.md (Errors).
 * `fields` are field errors by code (`issuesToFields` makes them from a schema's issues); the
 * envelope carries them as codes (`fieldErrors`) and as the contract's English sentences (`fields`).
 * `params` are what a screen needs to say the error in its own words.
 */
export class ApiError extends Error {
  readonly params: ErrorParams | undefined;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fields?: FieldErrors,
    readonly headers?: Record<string, string>,
    params?: ErrorParams,
  ) {
    super(message);
    // A client that reads the body, not the headers, still learns when to come back.
    const retryAfter = Number(headers?.["retry-after"]);
    this.params = Number.isFinite(retryAfter) ? { retryAfterSeconds: retryAfter, ...params } : params;
  }

  get status(): ContentfulStatusCode {
    return errorStatus[this.code];
  }
}

export function renderError(c: Context, error: ApiError): Response {
  for (const [name, value] of Object.entries(error.headers ?? {})) c.header(name, value);
  const body: ErrorEnvelope = {
    error: {
      code: error.code,
      message: error.message,
      ...(error.params ? { params: error.params } : {}),
      ...(error.fields ? { fields: fieldMessages(error.fields), fieldErrors: error.fields } : {}),
    },
  };
  return c.json(body, error.status);
}
