import * as z from "zod/mini";
import { fieldErrorCodes } from "./field-errors";

/** Every error code the API can answer with, and the HTTP status it travels with. */
export const errorStatus = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  phone_required: 409,
  registration_required: 403,
  not_found: 404,
  no_card: 404,
  code_not_found: 404,
  phone_conflict: 409,
  already_registered: 409,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  validation_failed: 422,
  invalid_code: 422,
  too_many_requests: 429,
  too_many_attempts: 429,
  // Points at the till (docs/api.md, POS API).
  identification_not_found: 404,
  purchase_not_found: 404,
  insufficient_points: 409,
  idempotency_key_reused: 409,
  already_refunded: 409,
  internal_error: 500,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof errorStatus;

/** Parameters of an error or a field error: `{ retryAfterSeconds: 30 }`, `{ max: 100 }`, `{ reason: "check_digit" }`. */
export const errorParamsSchema = z.record(z.string(), z.union([z.string(), z.number()]));

/** One field's error: a stable code (field-errors.ts) and the parameters its sentence needs. */
export const fieldErrorSchema = z.object({
  code: z.enum(fieldErrorCodes),
  params: z.optional(errorParamsSchema),
});

/**
 * docs/api.md's envelope: `code`, `message` (English, for logs and integrators) and `fields`
 * (`{ field: "English message" }`) exactly as the contract fixes them, plus what people's screens
 * are built from: `params` of the error (e.g. `retryAfterSeconds` with every `Retry-After`, `reason`
 * of `invalid_code`) and `fieldErrors` (`{ field: { code, params? } }`, the same keys as `fields`).
 */
export const errorEnvelopeSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    params: z.optional(errorParamsSchema),
    fields: z.optional(z.record(z.string(), z.string())),
    fieldErrors: z.optional(z.record(z.string(), fieldErrorSchema)),
  }),
});

export type ErrorEnvelope = z.infer<typeof errorEnvelopeSchema>;
