import { type ErrorEnvelope, errorEnvelopeSchema } from "@guestcard/shared";

/** The API's error envelope, checked with the shared schema; undefined when the body is not one. */
export function parseErrorEnvelope(body: unknown): ErrorEnvelope["error"] | undefined {
  const envelope = errorEnvelopeSchema.safeParse(body);
  return envelope.success ? envelope.data.error : undefined;
}
