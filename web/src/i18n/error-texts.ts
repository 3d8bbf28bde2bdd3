import type { ErrorParams, FieldError, FieldErrorCode } from "@guestcard/shared";

/*
 * How every area of the web (guest, cashier, manager) says an error: by its code, from that area's
 * own catalogue, never from the server's English `message`.
 */

/** A sentence, or one built from the error's parameters (`{ max: 100 }`, `{ retryAfterSeconds: 30 }`). */
export type ErrorText = string | ((params: ErrorParams) => string);

/** An area's field error texts: each code its screens can meet, and `invalid` for any other. */
export type FieldErrorTexts<Code extends FieldErrorCode> = Record<Code | "invalid", ErrorText>;

/** The codes a guest's screens can meet (registration, review, the demo's phone). */
export type GuestFieldErrorTexts = FieldErrorTexts<
  | "required"
  | "too_long"
  | "control_characters"
  | "invalid_characters"
  | "not_an_email"
  | "not_a_date"
  | "in_the_future"
  | "before_1900"
  | "consent_required"
  | "not_a_phone"
>;

export function errorText(text: ErrorText, params: ErrorParams | undefined): string {
  return typeof text === "function" ? text(params ?? {}) : text;
}

/** A field error in the area's language; a code the area has no sentence for reads as `invalid`. */
export function fieldErrorText(texts: FieldErrorTexts<never>, error: FieldError): string {
  const known = (texts as Partial<Record<FieldErrorCode, ErrorText>>)[error.code];
  return errorText(known ?? texts.invalid, error.params);
}

/** Every field error of a form, translated. */
export function fieldErrorTexts(
  texts: FieldErrorTexts<never>,
  errors: Readonly<Record<string, FieldError>>,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(errors).map(([field, error]) => [field, fieldErrorText(texts, error)]),
  );
}
