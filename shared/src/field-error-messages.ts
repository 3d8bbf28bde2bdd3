import type { ErrorParams, FieldError, FieldErrorCode, FieldErrors } from "./field-errors";

/** "male, female" → "male or female"; "a, b, c" → "one of a, b, c". */
function choices(options: string | number | undefined): string {
  const list = String(options ?? "").split(", ");
  return list.length === 2 ? `${list[0]} or ${list[1]}` : `one of ${list.join(", ")}`;
}

/**
 * The English sentence of each field error code: what the API puts in `error.fields` (docs/api.md)
 * and in the CSV import's line messages, for logs and integrators. People read the web's catalogues.
 */
const englishFieldMessages: Record<FieldErrorCode, (params: ErrorParams) => string> = {
  required: () => "required",
  too_long: (params) => `too long (${params.max} characters at most)`,
  too_short: (params) => `too short (${params.min} characters at least)`,
  wrong_type: (params) => (params.expected ? `not a ${params.expected}` : "of the wrong type"),
  not_one_of: (params) => choices(params.options),
  invalid: () => "not valid",
  control_characters: () => "control or invisible characters are not allowed",
  invalid_characters: () => "contains a broken character (a lone UTF-16 surrogate)",
  not_an_email: () => "not an e-mail address",
  not_a_date: () => "not a date (YYYY-MM-DD)",
  in_the_future: () => "in the future",
  before_1900: () => "before 1900",
  consent_required: () => "consent to personal data processing is required",
  not_a_phone: () => "not a phone number",
  out_of_range: (params) =>
    params.min !== undefined && params.max !== undefined
      ? `a whole number from ${params.min} to ${params.max}`
      : params.min !== undefined
        ? `at least ${params.min}`
        : `at most ${params.max}`,
  lifetime_out_of_range: (params) => `a whole number of seconds from ${params.min} to ${params.max}`,
  bad_short_name: () => "3–30 Latin letters, digits or underscores, as in BotFather",
  bad_source_code: () => "1–64 Latin letters, digits, _ or - (no spaces)",
  already_used: () => "already used by another source",
  column_missing: (params) => `the header has no ${params.column} column`,
  column_repeated: () => "named twice in the header",
  too_many_records: (params) => `more than ${params.max} records: split the file and import the parts`,
};

export function fieldErrorMessage(error: FieldError): string {
  return englishFieldMessages[error.code](error.params ?? {});
}

/** `{ field: FieldError }` → `{ field: "English message" }`, the contract's `error.fields`. */
export function fieldMessages(fields: FieldErrors): Record<string, string> {
  return Object.fromEntries(
    Object.entries(fields).map(([field, error]) => [field, fieldErrorMessage(error)]),
  );
}
