/*
 * The registration rules as plain constants, apart from the schema in registration.ts: the web
 * needs them on its first screen, and importing them must not pull zod into that download.
 */

/**
 * Version of the consent texts the Mini App shows. Bump it whenever the wording of either
 * consent changes in any language: every stored consent records the version the guest saw.
 */
export const consentTextVersion = "2025-06-01";

/**
 * Field error messages, one per rule. The API sends these English texts in
 * `error.fields`; the web maps each back to its key to show it in the guest's language.
 */
export const fieldErrorMessages = {
  required: "required",
  tooLong: "too long (100 characters at most)",
  controlCharacters: "line breaks and control characters are not allowed",
  badEmail: "not an e-mail address",
  badDate: "not a date (YYYY-MM-DD)",
  birthdayInFuture: "in the future",
  birthdayTooEarly: "before 1900",
  consentRequired: "consent to personal data processing is required",
} as const;
export type FieldErrorKey = keyof typeof fieldErrorMessages;

export const nameMaxLength = 100;
export const earliestBirthday = "1900-01-01";
