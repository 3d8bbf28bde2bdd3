import * as z from "zod/mini";

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
  // Points at the till (CONTRACT.md, POS API).
  identification_not_found: 404,
  purchase_not_found: 404,
  insufficient_points: 409,
  idempotency_key_reused: 409,
  already_refunded: 409,
  internal_error: 500,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof errorStatus;

export const errorEnvelopeSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    fields: z.optional(z.record(z.string(), z.string())),
  }),
});

export type ErrorEnvelope = z.infer<typeof errorEnvelopeSchema>;
